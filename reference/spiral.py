"""The spiral data set of the second book: three interleaved arms of 100 points."""
import numpy


def load_data(seed=1984, points_per_class=100, classes=3):
    """x (N*C, 2) float64 and one-hot t (N*C, C) int32, point for point the book's set.

    The book draws one normal number per point, class by class, from the global
    generator seeded with `seed`; a RandomState with the same seed gives the same
    stream without touching the global state.
    """
    rng = numpy.random.RandomState(seed)
    n = points_per_class
    x = numpy.zeros((n * classes, 2))
    t = numpy.zeros((n * classes, classes), dtype=numpy.int32)
    for j in range(classes):
        for i in range(n):
            rate = i / n
            radius = 1.0 * rate
            theta = j * 4.0 + 4.0 * rate + rng.randn() * 0.2
            x[n * j + i] = radius * numpy.sin(theta), radius * numpy.cos(theta)
            t[n * j + i, j] = 1
    return x, t
