"""Run with the Python of the app-lock environment (tests/app_lock.py) by test_app_lock.py: it
fails, naming the module, when something the app's features import is not installed there.

1. Every module of core, ui and seed is imported (not `__main__`, which runs the command).
2. Every import statement anywhere in those, the page scripts, streamlit_app.py, the migrations
   and bench (`make bench` and `make load` install the app lock only) names an installed
   module: at any depth, so imports inside functions count.
3. What Streamlit imports only when someone presses "Sign in with …" (st.login): Authlib's
   Starlette client (which needs httpx), given Headway's own [auth] secrets, builds the
   authorization request.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import pkgutil
import sys
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(sys.argv[1])
PACKAGES = ("core", "ui", "seed")
SCANNED = (*PACKAGES, "bench", "pages", "migrations", "streamlit_app.py")
OWN = {"core", "ui", "seed", "bench", "pages", "migrations", "streamlit_app", "tests"}


def import_every_module() -> int:
    count = 0
    for package in PACKAGES:
        importlib.import_module(package)
        for module in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            if not module.name.endswith(".__main__"):
                importlib.import_module(module.name)
                count += 1
    return count


def every_import_resolves() -> int:
    names: dict[str, str] = {}
    for entry in SCANNED:
        path = ROOT / entry
        for file in [path] if path.suffix == ".py" else sorted(path.rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found = [node.module]
                else:
                    continue
                for name in found:
                    top = name.partition(".")[0]
                    if top not in OWN and top != "__future__":
                        names.setdefault(top, str(file.relative_to(ROOT)))
    missing = [f"{top} (imported by {where})" for top, where in sorted(names.items())]
    missing = [m for m in missing if importlib.util.find_spec(m.partition(" ")[0]) is None]
    if missing:
        raise SystemExit("not installed from the app lock: " + ", ".join(missing))
    return len(names)


def single_sign_on_request() -> str:
    os.environ.update(
        HEADWAY_OIDC_ISSUER="https://id.example.com",
        HEADWAY_OIDC_CLIENT_ID="headway",
        HEADWAY_OIDC_CLIENT_SECRET="s3cret",
        HEADWAY_OIDC_PROMPT="",
    )
    from core.platform.config import get_settings
    from ui.sso import PROVIDER, auth_secrets

    get_settings.cache_clear()
    secrets = auth_secrets()
    assert secrets is not None
    section = secrets["auth"][PROVIDER]
    with warnings.catch_warnings():  # Authlib's notice that it will move to httpx2
        import authlib.deprecate  # noqa: F401

        warnings.simplefilter("ignore")
        # The very import of streamlit.web.server.starlette.starlette_auth_routes.
        from authlib.integrations import starlette_client

    oauth = starlette_client.OAuth()
    app = oauth.register(
        PROVIDER,
        client_id=section["client_id"],
        client_secret=section["client_secret"],
        authorize_url="https://id.example.com/authorize",
        client_kwargs=section["client_kwargs"],
    )
    session = app.client_cls(app.client_id, app.client_secret, **app.client_kwargs)
    url, _state = session.create_authorization_url(app.authorize_url)
    query = parse_qs(urlsplit(url).query)
    assert query["client_id"] == ["headway"] and "prompt" not in query, url
    return f"{type(session).__module__}.{type(session).__name__}"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    modules = import_every_module()
    imported = every_import_resolves()
    client = single_sign_on_request()
    print(f"{modules} modules imported; {imported} third-party modules found; st.login: {client}")
