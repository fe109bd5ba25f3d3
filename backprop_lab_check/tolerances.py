"""The tolerances the checks judge with, visible and hidden alike, in one place."""

# A float32 result against the same code's float64 result: float32 keeps about 7 digits, and a
# few operations in a row lose one or two of them.
FLOAT32 = dict(rtol=1e-4, atol=1e-5)
# One layer's (or one small model's) gradient against central differences with h = 1e-4: the
# normalised error max|a - b| / max(|a|, |b|) of a right gradient is about 1e-8 to 1e-7.
GRAD_TOL = 1e-5
# A whole network with N(0, 1) weights: larger second derivatives, a looser bound, still far
# below what any mistake gives.
NETWORK_GRAD_TOL = 1e-4
