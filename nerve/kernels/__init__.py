"""The one op table: pure JAX functions with Keras 2 semantics.

`math` holds tensor math, `nn` activations/losses/convolution/pooling and
`random` sampling. `nerve.backend` lifts each into a graph-aware op.
"""
