# %%
%matplotlib inline
import time
import numpy as np
import matplotlib.pyplot as plt

# %% [given]
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(a):
    exp_a = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)


def function_1(x):
    return 0.01 * x ** 2 + 0.1 * x


def function_2(x):
    return np.sum(x ** 2)


def function_3(x):
    return np.sum(x ** 2) + 0.5 * np.sum(x) ** 2


from sklearn.datasets import load_digits


def load_digits_data(normalize=True, one_hot_label=False, test_size=500, seed=0):
    digits = load_digits()
    x, t = digits.data, digits.target
    if normalize:
        x = x / 16.0
    if one_hot_label:
        t = np.eye(10, dtype=int)[t]
    order = np.random.RandomState(seed).permutation(len(x))
    train, test = order[:-test_size], order[-test_size:]
    return (x[train], t[train]), (x[test], t[test])

# %% loss functions
def sum_squared_error(y, t):
    return 0.5 * np.sum((y - t) ** 2)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)

    # if t is one-hot, turn it into the index of the right answer
    if t.size == y.size:
        t = t.argmax(axis=1)

    batch_size = y.shape[0]
    delta = 1e-7
    return -np.sum(np.log(y[np.arange(batch_size), t] + delta)) / batch_size

# %%
t = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
print(sum_squared_error(y, t), cross_entropy_error(y, t))

# %% numerical differentiation
def numerical_diff(f, x):
    h = 1e-4  # 0.0001
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)

    it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)  # f(x+h)

        x[idx] = tmp_val - h
        fxh2 = f(x)  # f(x-h)
        grad[idx] = (fxh1 - fxh2) / (2 * h)

        x[idx] = tmp_val  # restore
        it.iternext()

    return grad

# %% gradient descent
def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for i in range(step_num):
        grad = numerical_gradient(f, x)
        x -= lr * grad
    return x


print(gradient_descent(function_2, np.array([-3.0, 4.0]), lr=0.1, step_num=100))

# %% simpleNet
class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def predict(self, x):
        return np.dot(x, self.W)

    def loss(self, x, t):
        z = self.predict(x)
        y = softmax(z)
        loss = cross_entropy_error(y, t)
        return loss

    def numerical_gradient(self, x, t):
        f = lambda w: self.loss(x, t)
        dW = numerical_gradient(f, self.W)
        return dW

# %% TwoLayerNet
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params['W1'] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params['b1'] = np.zeros(hidden_size)
        self.params['W2'] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params['b2'] = np.zeros(output_size)

    def predict(self, x):
        W1, W2 = self.params['W1'], self.params['W2']
        b1, b2 = self.params['b1'], self.params['b2']
        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        y = softmax(a2)
        return y

    def loss(self, x, t):
        y = self.predict(x)
        return cross_entropy_error(y, t)

    def accuracy(self, x, t):
        y = self.predict(x)
        y = np.argmax(y, axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        accuracy = np.sum(y == t) / float(x.shape[0])
        return accuracy

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)
        grads = {}
        grads['W1'] = numerical_gradient(loss_W, self.params['W1'])
        grads['b1'] = numerical_gradient(loss_W, self.params['b1'])
        grads['W2'] = numerical_gradient(loss_W, self.params['W2'])
        grads['b2'] = numerical_gradient(loss_W, self.params['b2'])
        return grads

    def gradient(self, x, t):
        W1, W2 = self.params['W1'], self.params['W2']
        b1, b2 = self.params['b1'], self.params['b2']
        grads = {}
        batch_num = x.shape[0]
        if t.ndim == 1:
            t = np.eye(W2.shape[1])[t]

        # forward
        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        y = softmax(a2)

        # backward
        dy = (y - t) / batch_num
        grads['W2'] = np.dot(z1.T, dy)
        grads['b2'] = np.sum(dy, axis=0)
        dz1 = np.dot(dy, W2.T)
        da1 = z1 * (1 - z1) * dz1
        grads['W1'] = np.dot(x.T, da1)
        grads['b1'] = np.sum(da1, axis=0)
        return grads

# %% mini-batch training
def train(network, x, t, iters_num=1000, batch_size=100, learning_rate=0.1, numerical=False):
    train_size = x.shape[0]
    train_loss_list = []
    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x[batch_mask]
        t_batch = t[batch_mask]

        if numerical:
            grad = network.numerical_gradient(x_batch, t_batch)
        else:
            grad = network.gradient(x_batch, t_batch)

        for key in ('W1', 'b1', 'W2', 'b2'):
            network.params[key] -= learning_rate * grad[key]

        loss = network.loss(x_batch, t_batch)
        train_loss_list.append(float(loss))
    return train_loss_list

# %%
(x_train, t_train), (x_test, t_test) = load_digits_data(one_hot_label=True)
np.random.seed(0)
network = TwoLayerNet(input_size=64, hidden_size=50, output_size=10)
losses = train(network, x_train, t_train, iters_num=500, batch_size=100, learning_rate=1.0)
print("test accuracy:", network.accuracy(x_test, t_test))
plt.plot(losses)
plt.show()


# %%
def chain_rule(x, y):
    # forward
    t = x + y
    z = t ** 2
    # backward: local derivatives, multiplied
    dz_dt = 2 * t
    return z, dz_dt * 1.0, dz_dt * 1.0
