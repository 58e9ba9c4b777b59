"""Connected (issue 26): how the contact centre's other systems talk to Headway.

- `tokens`: API tokens — service tokens an admin makes for a system, personal read tokens;
  shown once, kept as a digest, acting as their maker with the maker's rights at each use,
  within their scopes; every use counted and audited, revoking immediate
- `api`: what the HTTP API (`ui/api.py`, `/api/v1`) reads and writes, without HTTP: pages by
  cursor, metric observations, contact volumes and forecasts through the imports' rules with
  problems named by item
- `evaluations`: QA evaluations sent with their scorecard answers (by reference, all or none),
  and the scorecards a QA tool maps its forms to
- `coverage`: the read models a BI tool pulls per team and period — coaching coverage and
  PD-day coverage
- `openapi`: the OpenAPI 3.1 document the API serves (`openapi_schemas`: its answers' shapes)
- `scim`: SCIM 2.0 provisioning (`ui/scim.py`, `/scim/v2`): an identity provider creates,
  updates, deactivates and reactivates people; `scim_groups`: its groups, which are teams and
  roles
"""
