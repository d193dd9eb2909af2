"""The issuer's quarter close: fair value, classification, EPS and the footnote tables (docs/close.md).

This package is the one place in warrantbook where floats belong: option pricing models work in binary
floating point. Every line in it that computes with a float says so with `# float-ok`. The contract core
(`warrantbook.core`) stays exact; this package reads its state and never changes it.

    pricing         Black-Scholes-Merton (scipy) and Monte Carlo with a control variate (numpy)
    inputs          valuation inputs from the ledger: §1.2 price, volatility by a named method, rate, term
    classification  ASC 815-40 equity or liability, condition by condition, with the deciding clause
    eps             ASC 260 basic and diluted shares: penny warrants in basic, the treasury stock method
    close           the period's pack: fair values, activity, Level 3 roll-forward, inputs, sensitivity, EPS
    workbook        the pack as an Excel workbook whose formulas recompute every figure
"""
