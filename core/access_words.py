"""The words the access matrix (core.access_matrix) is written in: who the matrix tries, read or
write, how a refusal shows, one rule, and the groups of people and sentences many rules share."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Who(StrEnum):
    """Everyone the matrix tries, seen from one agent (the subject) of a team."""

    ADMIN = "admin"
    MANAGER = "manager"
    LEAD = "their lead"
    OTHER_LEAD = "another team's lead"
    AGENT = "the agent"
    OTHER_AGENT = "another agent"
    MENTOR = "mentor (live pledge)"
    FORMER_MENTOR = "former mentor"
    HOST = "department host"


class Access(StrEnum):
    READ = "read"
    WRITE = "write"


class Refusal(StrEnum):
    DENIED = "AccessDenied"  # the call raises AccessDenied
    LEFT_OUT = "left out"  # a list, search or import leaves the subject's records out
    HIDDEN = "NotFound"  # a record in a space the reader cannot list at all (someone's inbox)


@dataclass(frozen=True)
class Rule:
    access: Access
    allowed: frozenset[Who]
    rule: str  # the rule in words, as the README shows it
    refusal: Refusal = Refusal.DENIED


def _who(*people: Who) -> frozenset[Who]:
    return frozenset(people)


EVERYONE = frozenset(Who)
ADMINS = _who(Who.ADMIN)
MANAGERS = _who(Who.MANAGER)
ORGANISATION = _who(Who.ADMIN, Who.MANAGER)  # organisation-wide: managers and admins
COACHES = _who(Who.MANAGER, Who.LEAD)  # coaches of the agent (admins are not coaches)
PLANNERS = _who(Who.ADMIN, Who.MANAGER, Who.LEAD)  # the team's planners and reviewers
LEADS_AND_ORGANISATION = _who(Who.ADMIN, Who.MANAGER, Who.LEAD, Who.OTHER_LEAD)
LEADS = _who(Who.LEAD, Who.OTHER_LEAD)
SEES_AGENT = _who(Who.ADMIN, Who.MANAGER, Who.LEAD, Who.AGENT)  # the general rule
AGENT_ONLY = _who(Who.AGENT)
AGENTS = _who(Who.AGENT, Who.OTHER_AGENT, Who.MENTOR, Who.FORMER_MENTOR, Who.HOST)
NO_ADMIN = EVERYONE - ADMINS
# In the matrix, a calibration session run by the manager with their lead and the manager invited.
CALIBRATORS = _who(Who.MANAGER, Who.LEAD)

R, W = Access.READ, Access.WRITE
SCIM_READS = "scim.list_users scim.get_user scim_groups.list_groups scim_groups.get_group".split()  # noqa: SIM905
SCIM_WRITES = (  # noqa: SIM905 — SCIM (issue 26): a provider, through an admin's service token
    "scim.create_user scim.replace_user scim.patch_user scim.deactivate_user scim_groups."
    "create_group scim_groups.replace_group scim_groups.patch_group scim_groups.delete_group"
).split()
OWN = "everyone, about themself only"
MINE = "the agent, on their own record (note, PD day, pledge, share, project, inbox)"
PARTIES = _who(Who.AGENT, Who.MANAGER, Who.LEAD)  # the agent and their coaches
TALK = "the agent, on their own record, and their coaches (their lead, managers)"
REVIEWERS = (
    "the agent's coaches (their lead, managers) who did not score the evaluation (here their "
    "lead scored it)"
)
SHARE_READERS = (
    "whoever may read the share (a team share: the author's team, lead, managers, admins)"
)

VOICE_ANYONE = "everyone, as themself"
VOICE_COUNTS = "everyone: texts and counts, never who raised an insight"
VOICE_COACHES = "the coaches of whoever raised or heard it (their lead, managers)"
VOICE_CARRIERS = (
    "the department's ambassadors this term (here the agent; a lead or manager only where no "
    "ambassador is placed)"
)
