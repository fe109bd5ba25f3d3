"""Mini-batch training loop with optional gradient clipping (second book, ch. 1)."""
import numpy

from .backend import array_module
from .models import clip_grads, remove_duplicate


class Trainer:
    def __init__(self, model, optimizer):
        self.model = model
        self.optimizer = optimizer
        self.loss_list = []
        self.eval_interval = None
        self.current_epoch = 0

    def fit(self, x, t, max_epoch=10, batch_size=32, max_grad=None, eval_interval=20):
        xp = array_module(x)
        data_size = len(x)
        max_iters = data_size // batch_size
        self.eval_interval = eval_interval
        total_loss, loss_count = 0.0, 0
        for _ in range(max_epoch):
            order = xp.asarray(numpy.random.permutation(data_size))
            x, t = x[order], t[order]
            for iters in range(max_iters):
                batch_x = x[iters * batch_size:(iters + 1) * batch_size]
                batch_t = t[iters * batch_size:(iters + 1) * batch_size]
                loss = self.model.forward(batch_x, batch_t)
                self.model.backward()
                params, grads = remove_duplicate(self.model.params, self.model.grads)
                if max_grad is not None:
                    clip_grads(grads, max_grad)
                self.optimizer.update(params, grads)
                total_loss += float(loss)
                loss_count += 1
                if eval_interval is not None and iters % eval_interval == 0:
                    self.loss_list.append(total_loss / loss_count)
                    total_loss, loss_count = 0.0, 0
            self.current_epoch += 1

    def plot(self, ylim=None):
        import matplotlib.pyplot as plt

        iterations = numpy.arange(len(self.loss_list)) * (self.eval_interval or 1)
        fig, ax = plt.subplots()
        ax.plot(iterations, self.loss_list, label="train")
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.set_xlabel(f"iterations (x{self.eval_interval})")
        ax.set_ylabel("loss")
        return fig


def overfit_tiny(model, optimizer, x, t, steps=200):
    """The losses of `steps` full-batch steps on (x, t), each recorded before its update."""
    losses = []
    for _ in range(steps):
        losses.append(float(model.forward(x, t)))
        model.backward()
        optimizer.update(model.params, model.grads)
    return losses
