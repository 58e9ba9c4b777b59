"""Connected (issue 26): how the contact centre's other systems talk to Headway.

- `tokens`: API tokens — service tokens an admin makes for a system, personal read tokens;
  shown once, kept as a digest, acting as their maker with the maker's rights at each use,
  within their scopes; every use counted and audited, revoking immediate
- `api`: what the HTTP API (`ui/api.py`, `/api/v1`) reads and writes, without HTTP: pages by
  cursor, metric observations through the import's rules with problems named by item
- `openapi`: the OpenAPI 3.1 document the API serves
- `scim`: SCIM 2.0 provisioning (`ui/scim.py`, `/scim/v2`): an identity provider creates,
  updates, deactivates and reactivates people; `scim_groups`: its groups, which are teams and
  roles
"""
