"""Pure rules: policies, working days, roster, planner. No I/O, no Google imports."""
