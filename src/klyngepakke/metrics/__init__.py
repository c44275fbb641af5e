"""Service-data metrics: rates per 1000, funnels, changes, fees and privacy.

The computations need the optional extra ``klyngepakke[metrics]`` (DuckDB, SciPy, NumPy,
PyArrow); importing this package loads none of them.
"""
