"""Public pages and endpoints of actions, one module per page family.

Views parse the request, call a query or a service, and render: the rules live in
`actions.public` (what is public), `actions.filters`, `actions.results`,
`actions.clusters` and `actions.services`.
"""
