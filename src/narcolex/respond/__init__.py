"""Responses to findings: DSA notices (Art. 16), statements of reasons (Art. 17) in the
Transparency Database schema, help for young users, search interventions and referral reports.

Everything here is a pure function over findings (ARCHITECTURE §4 rows), the posts they came
from, and the bundled response content (data/knowledge/respond/); interfaces (CLI, API) only
read input and write what these functions return.
"""
