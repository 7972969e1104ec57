"""scikit-learn peer of bench/index.ts: the same stacking ensemble on the same data.

Usage: /usr/bin/python3 sklearn_peer.py DATA.f64 N D  -> JSON on stdout
DATA.f64 holds X (N x D, row-major float64) followed by y (N float64).
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import StackingRegressor
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import KFold

path, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
raw = np.fromfile(path, dtype=np.float64)
X = raw[: n * d].reshape(n, d)
y = raw[n * d :]


def make():
    members = [("ols", LinearRegression())] + [(f"ridge{a}", Ridge(alpha=a)) for a in (0.1, 1.0, 10.0, 100.0)]
    return StackingRegressor(members, final_estimator=Ridge(alpha=1.0), cv=KFold(5))


fits = []
for _ in range(3):
    m = make()
    t = time.perf_counter()
    m.fit(X, y)
    fits.append(time.perf_counter() - t)
row = X[:1]
for _ in range(200):
    m.predict(row)
reps = 2000
t = time.perf_counter()
for _ in range(reps):
    m.predict(row)
predict_us = (time.perf_counter() - t) / reps * 1e6
print(json.dumps({"fitSeconds": sorted(fits)[1], "predictUs": predict_us,
                  "pred": m.predict(X[:1000]).tolist()}))
