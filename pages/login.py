"""Log in with email and password; afterwards go on to the page that was asked for."""

from ui.login import render_login

render_login()
