"""Who may do what: the documented rule of every public service in core/ that takes an acting
user, one row each, next to the rules themselves (core.people.access).

The general rule: agents see their own records, leads their teams', managers and admins
everyone's; organisation set-up is for admins. Relations add narrower rights (the mentor of a live
pledge reads its mind checks); narrower privacy rules override the general one (check-in notes,
coaches' private remarks). tests/integration/test_access_matrix.py calls every row as every
person below on a small organisation and checks the rule; it fails when a new service that takes
`actor` has no row here. The README's "Who may do what" table is made from these rows.

A refusal is `AccessDenied`, with a sentence that says what to change. `NotFound` means only that
the record does not exist: Headway does not pretend a colleague's record is missing. The
exceptions hide what the reader may not even list: a list, search or import leaves out the
people and records the reader may not see (an import calls them unknown), and a record addressed
by id that lives where the reader cannot list it (another person's inbox, a learning share outside
their feed) is answered `NotFound`, as the list would have it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from core.access_words import (
    ADMINS,
    AGENT_ONLY,
    AGENTS,
    CALIBRATORS,
    COACHES,
    EVERYONE,
    LEADS_AND_ORGANISATION,
    MANAGERS,
    MINE,
    ORGANISATION,
    OWN,
    PARTIES,
    PLANNERS,
    REVIEWERS,
    SCIM_READS,
    SCIM_WRITES,
    SEES_AGENT,
    SHARE_READERS,
    TALK,
    VOICE_ANYONE,
    VOICE_CARRIERS,
    VOICE_COACHES,
    VOICE_COUNTS,
    Access,
    R,
    Refusal,
    Rule,
    W,
    Who,
    _who,
)

RULES: dict[str, Rule] = {
    # accounts
    "core.people.password_changes.change_own_password": Rule(W, EVERYONE, OWN),
    "core.people.password_changes.set_one_time_password": Rule(W, ADMINS, "admins"),
    "core.people.password_changes.choose_own_password": Rule(W, EVERYONE, OWN),
    "core.people.auth.log_out_everywhere": Rule(W, EVERYONE, OWN),
    "core.people.audit.search": Rule(R, ADMINS, "admins"),
    "core.people.audit.run_search": Rule(R, ADMINS, "admins"),
    "core.people.audit.export_csv": Rule(R, ADMINS, "admins"),
    "core.people.data_export.export_person": Rule(R, ADMINS, "admins"),
    "core.people.personal_data.erasure_refusal": Rule(R, ADMINS, "admins"),
    "core.people.personal_data.erase_person": Rule(W, ADMINS, "admins"),
    # API tokens (issue 26): a token acts as its maker, with the maker's rights at each use
    "core.connect.tokens.create_token": Rule(
        W, ADMINS, "admins (a service token, here); everyone a personal read token for themself"
    ),
    "core.connect.tokens.list_tokens": Rule(
        R, _who(Who.ADMIN, Who.AGENT), "the token's maker and admins", Refusal.LEFT_OUT
    ),
    "core.connect.tokens.revoke_token": Rule(
        W, _who(Who.ADMIN, Who.AGENT), "the token's maker and admins", Refusal.HIDDEN
    ),
    "core.connect.tokens.token_uses": Rule(
        R, _who(Who.ADMIN, Who.AGENT), "the token's maker and admins", Refusal.HIDDEN
    ),
    "core.connect.tokens.tokens_view": Rule(
        R, _who(Who.ADMIN, Who.AGENT), "the token's maker and admins", Refusal.LEFT_OUT
    ),
    # Chat and webhooks (issue 26): the URLs and signing secrets are secrets
    "core.notify.connections.set_chat_webhook": Rule(W, ADMINS, "admins"),
    "core.notify.connections.register_endpoint": Rule(W, ADMINS, "admins"),
    "core.notify.connections.remove_connection": Rule(W, ADMINS, "admins"),
    "core.notify.connections.send_test_message": Rule(W, ADMINS, "admins"),
    "core.notify.connections.connections_view": Rule(R, ADMINS, "admins"),
    "core.connect.api.people_page": Rule(
        R, SEES_AGENT, "the general rule (others are left out)", Refusal.LEFT_OUT
    ),
    "core.connect.api.teams_page": Rule(
        R,
        _who(Who.ADMIN, Who.MANAGER, Who.LEAD, Who.AGENT, Who.OTHER_AGENT),
        "whoever may review the team (its lead, managers, admins) and its own agents",
        Refusal.LEFT_OUT,
    ),
    "core.connect.api.team_summary": Rule(
        R, PLANNERS, "whoever may review the team: its lead, managers, admins"
    ),
    **{f"core.connect.{name}": Rule(R, ADMINS, "admins") for name in SCIM_READS},
    **{f"core.connect.{name}": Rule(W, ADMINS, "admins") for name in SCIM_WRITES},
    "core.connect.api.send_forecast": Rule(
        W,
        PLANNERS,
        "as the forecast import: leads for their teams, managers and admins",
        Refusal.LEFT_OUT,
    ),
    "core.connect.api.send_observations": Rule(
        W,
        PLANNERS,
        "as the metrics import: leads for their teams, managers and admins; never one's own",
        Refusal.LEFT_OUT,
    ),
    "core.connect.api.send_contacts": Rule(
        W, LEADS_AND_ORGANISATION, "as the contacts import: leads, managers and admins"
    ),
    "core.connect.evaluations.send_evaluations": Rule(
        W,
        COACHES,
        "as the Evaluate page: the agent's lead and managers evaluate (an admin's or a "
        "manager's token names the evaluator); others' agents are unknown",
        Refusal.LEFT_OUT,
    ),
    "core.connect.evaluations.scorecards_page": Rule(
        R, LEADS_AND_ORGANISATION, "leads, managers and admins (the forms, no one's records)"
    ),
    "core.connect.coverage.coaching_coverage_page": Rule(
        R,
        PLANNERS,
        "as Team growth: whoever reviews the team (its lead, managers, admins)",
        Refusal.LEFT_OUT,
    ),
    "core.connect.coverage.pd_coverage_page": Rule(
        R,
        PLANNERS,
        "as Team growth: whoever reviews the team (its lead, managers, admins)",
        Refusal.LEFT_OUT,
    ),
    # organisation set-up
    "core.pd.closures.add_closure": Rule(W, ADMINS, "admins"),
    "core.pd.closures.remove_closure": Rule(W, ADMINS, "admins"),
    "core.people.org.list_people": Rule(
        R, SEES_AGENT, "the general rule (others are left out)", Refusal.LEFT_OUT
    ),
    "core.people.org.get_person": Rule(R, SEES_AGENT, "the general rule"),
    "core.people.org.create_person": Rule(W, ADMINS, "admins"),
    "core.people.org.update_person": Rule(W, ADMINS, "admins"),
    "core.people.org.set_person_active": Rule(W, ADMINS, "admins"),
    "core.accounts.set_account_active": Rule(W, ADMINS, "admins"),
    "core.people.org.create_team": Rule(W, ADMINS, "admins"),
    "core.people.org.update_team": Rule(W, ADMINS, "admins"),
    "core.people.org.create_department": Rule(W, ADMINS, "admins"),
    "core.people.org.update_department": Rule(W, ADMINS, "admins"),
    "core.people.people_import.import_people": Rule(W, ADMINS, "admins"),
    # coaching and quality
    "core.coaching.notes.write_note": Rule(W, COACHES, "the agent's lead and managers"),
    "core.coaching.notes.edit_note": Rule(W, COACHES, "the agent's lead and managers"),
    "core.coaching.notes.note_versions": Rule(R, COACHES, "the agent's lead and managers"),
    "core.coaching.notes.add_follow_up": Rule(W, COACHES, "the agent's lead and managers"),
    "core.coaching.notes.add_private_remark": Rule(W, COACHES, "the agent's lead and managers"),
    "core.coaching.notes.acknowledge": Rule(W, AGENT_ONLY, MINE),
    "core.coaching.notes.notes_about": Rule(
        R, SEES_AGENT, "the general rule; private remarks only to the agent's lead and managers"
    ),
    "core.coaching.notes.coaching_queue": Rule(R, COACHES, "the team's lead and managers"),
    "core.note_evaluations.note_choices": Rule(R, COACHES, "the agent's lead and managers"),
    "core.quality.evaluations.save_scorecard": Rule(
        W, MANAGERS, "managers (the one form every lead uses)"
    ),
    "core.quality.evaluations.list_scorecards": Rule(
        R, _who(Who.MANAGER, Who.LEAD, Who.OTHER_LEAD), "leads and managers"
    ),
    "core.quality.evaluations.record_evaluation": Rule(
        W, COACHES, "the agent's lead and managers, never about themself"
    ),
    "core.quality.evaluations.list_evaluations": Rule(R, SEES_AGENT, "the general rule"),
    "core.quality.calibration.evaluator_drift": Rule(
        R, MANAGERS, "managers (who own the scorecards)"
    ),
    "core.quality.calibration_sessions.create_session": Rule(
        W, MANAGERS, "managers (who own the scorecards)"
    ),
    "core.quality.calibration_sessions.evaluator_choices": Rule(
        R, MANAGERS, "managers (who own the scorecards)"
    ),
    "core.quality.calibration_sessions.reveal": Rule(
        W, MANAGERS, "managers (who own the scorecards)"
    ),
    "core.quality.calibration_sessions.record_reference": Rule(
        W, MANAGERS, "managers (who own the scorecards)"
    ),
    "core.quality.calibration_sessions.list_sessions": Rule(
        R, CALIBRATORS, "managers; leads the sessions they are invited to", Refusal.LEFT_OUT
    ),
    "core.quality.calibration_views.session_view": Rule(
        R,
        CALIBRATORS,
        "managers and the invited evaluators; nobody sees another's scores before the reveal",
    ),
    "core.quality.calibration_sessions.score_call": Rule(
        W, CALIBRATORS, "the invited evaluators (leads, managers), before the reveal"
    ),
    "core.quality.sampling.draw_sample": Rule(R, COACHES, "the agent's lead and managers"),
    # the agent's voice: comments, 1:1 sign-offs, disputes
    "core.coaching.conversation.add_comment": Rule(W, PARTIES, TALK),
    "core.coaching.conversation.propose_agreement": Rule(W, PARTIES, TALK),
    "core.coaching.conversation.sign_agreement": Rule(W, PARTIES, TALK),
    "core.coaching.conversation.conversation": Rule(R, SEES_AGENT, "the general rule"),
    "core.quality.disputes.open_dispute": Rule(W, AGENT_ONLY, MINE),
    "core.quality.dispute_review.decide_dispute": Rule(W, MANAGERS, REVIEWERS),
    "core.quality.dispute_reads.disputes_of": Rule(R, SEES_AGENT, "the general rule"),
    "core.quality.dispute_reads.disputes_to_review": Rule(R, MANAGERS, REVIEWERS, Refusal.LEFT_OUT),
    "core.quality.dispute_reads.disputes_of_my_evaluations": Rule(
        R, _who(Who.LEAD), "the evaluator who scored it (here their lead)", Refusal.LEFT_OUT
    ),
    "core.quality.dispute_reads.disputes_decided_by": Rule(
        R, MANAGERS, "the reviewer who decided it (here a manager)", Refusal.LEFT_OUT
    ),
    "core.quality.dispute_reads.dispute_rates": Rule(
        R, MANAGERS, "managers (who own the scorecards)"
    ),
    "core.metrics.imports.check_metrics_csv": Rule(
        R,
        PLANNERS,
        "leads for their teams, managers and admins; never one's own scores",
        Refusal.LEFT_OUT,
    ),
    "core.metrics.imports.import_metrics": Rule(
        W,
        PLANNERS,
        "leads for their teams, managers and admins; never one's own scores",
        Refusal.LEFT_OUT,
    ),
    "core.metrics.imports.import_leave": Rule(
        W, PLANNERS, "leads for their teams, managers and admins", Refusal.LEFT_OUT
    ),
    # growth and home
    "core.growth.agent.growth_data": Rule(R, SEES_AGENT, "the general rule"),
    "core.growth.teams.visible_teams": Rule(
        R, LEADS_AND_ORGANISATION, "leads, managers and admins"
    ),
    "core.growth.teams.coverage": Rule(R, PLANNERS, "the team's lead, managers and admins"),
    "core.growth.teams.coaching_effect_tables": Rule(
        R, PLANNERS, "the team's lead, managers and admins"
    ),
    "core.growth.teams.team_growth": Rule(R, PLANNERS, "the team's lead, managers and admins"),
    "core.growth.checkins.latest_data": Rule(R, PLANNERS, "the team's lead, managers and admins"),
    "core.growth.checkins.falling_agents": Rule(
        R, PLANNERS, "the team's lead, managers and admins"
    ),
    "core.home.glance.person_changes": Rule(R, SEES_AGENT, "the general rule"),
    "core.home.glance.weekly_trend": Rule(R, SEES_AGENT, "the general rule"),
    "core.home.glance.team_glance": Rule(R, PLANNERS, "the team's lead, managers and admins"),
    "core.home.glance.organisation_glance": Rule(
        R, PLANNERS, "leads (their teams), managers and admins", Refusal.LEFT_OUT
    ),
    "core.home.agent.agent_day": Rule(R, AGENTS, "agents, for themself"),
    "core.home.lead.lead_day": Rule(R, EVERYONE, OWN),
    "core.home.lead.qa_work": Rule(R, EVERYONE, OWN),
    "core.home.manager.manager_day": Rule(
        R, PLANNERS, "the team's lead, managers and admins", Refusal.LEFT_OUT
    ),
    "core.home.admin.admin_day": Rule(R, ADMINS, "admins"),
    # drafts and inbox: always one's own
    "core.learning.drafts.save_draft": Rule(W, EVERYONE, OWN),
    "core.learning.drafts.load_draft": Rule(R, EVERYONE, OWN),
    "core.learning.drafts.discard_draft": Rule(W, EVERYONE, OWN),
    "core.notify.notifications.inbox": Rule(R, EVERYONE, OWN),
    "core.notify.notifications.unread_count": Rule(R, EVERYONE, OWN),
    "core.notify.notifications.mark_read": Rule(W, AGENT_ONLY, MINE, Refusal.HIDDEN),
    "core.notify.notifications.mark_all_read": Rule(W, EVERYONE, OWN),
    "core.notify.notifications.preferences": Rule(R, EVERYONE, OWN),
    "core.notify.notifications.set_preferences": Rule(W, EVERYONE, OWN),
    # learning shares
    "core.learning.shares.write_share": Rule(
        W, AGENT_ONLY, "anyone, linked only to their own rotation or PD day"
    ),
    "core.learning.shares.edit_share": Rule(W, AGENT_ONLY, MINE),
    "core.learning.shares.delete_share": Rule(W, AGENT_ONLY, MINE),
    "core.learning.shares.hide_share": Rule(
        W, ORGANISATION | _who(Who.LEAD), "the author's lead, managers and admins"
    ),
    "core.learning.shares.search_shares": Rule(
        R,
        _who(Who.ADMIN, Who.MANAGER, Who.LEAD, Who.AGENT, Who.OTHER_AGENT),
        SHARE_READERS,
        Refusal.LEFT_OUT,
    ),
    "core.learning.shares.toggle_kudos": Rule(
        W,
        _who(Who.ADMIN, Who.MANAGER, Who.LEAD, Who.OTHER_AGENT),
        "whoever reads the share, but its author",
        Refusal.HIDDEN,
    ),
    "core.learning.shares.most_helpful": Rule(
        R,
        _who(Who.ADMIN, Who.MANAGER, Who.LEAD, Who.AGENT, Who.OTHER_AGENT),
        SHARE_READERS,
        Refusal.LEFT_OUT,
    ),
    "core.learning.shares.last_next_time": Rule(R, EVERYONE, OWN),
    "core.learning.shares.pd_day_to_share": Rule(R, EVERYONE, OWN),
    "core.learning.shares.pd_day_to_link": Rule(R, EVERYONE, OWN),
    # pledges
    "core.learning.pledges.mentor_choices": Rule(R, EVERYONE, OWN),
    "core.learning.pledges.draft_pledge": Rule(W, AGENTS, "agents, for themself"),
    "core.learning.pledges.edit_commitments": Rule(W, AGENT_ONLY, MINE),
    "core.learning.pledges.sign": Rule(
        W, _who(Who.AGENT, Who.MENTOR), "the agent, then the chosen mentor"
    ),
    "core.learning.pledges.nudge": Rule(W, _who(Who.MENTOR), "the mentor of the live pledge"),
    "core.learning.pledges.renew": Rule(W, AGENT_ONLY, MINE),
    "core.learning.pledges.retire": Rule(W, AGENT_ONLY, MINE),
    "core.learning.pledges.my_pledge": Rule(R, EVERYONE, OWN),
    "core.learning.pledges.mentored": Rule(R, EVERYONE, OWN),
    "core.learning.pledges.check_in": Rule(W, AGENTS, "agents with a live pledge, for themself"),
    "core.learning.pledges.check_ins": Rule(
        R, _who(Who.AGENT, Who.MENTOR), "the agent and the mentor of their live pledge"
    ),
    "core.learning.pledges.pledge_today": Rule(R, EVERYONE, OWN),
    "core.learning.pledges.participation": Rule(
        R, PLANNERS, "the team's lead, managers and admins; counts only"
    ),
    # PD days
    "core.pd.constraints.add_blackout": Rule(W, PLANNERS, "the team's lead, managers and admins"),
    "core.pd.constraints.set_floor": Rule(W, PLANNERS, "the team's lead, managers and admins"),
    "core.pd.constraints.remove_floor": Rule(W, PLANNERS, "the team's lead, managers and admins"),
    "core.pd.constraints.edit_blackout": Rule(W, PLANNERS, "the team's lead, managers and admins"),
    "core.pd.constraints.remove_blackout": Rule(
        W, PLANNERS, "the team's lead, managers and admins"
    ),
    "core.pd.constraints.planning_rules": Rule(R, PLANNERS, "the team's lead, managers and admins"),
    # staffing: forecasts and targets
    "core.staffing.service.import_forecast": Rule(
        W, PLANNERS, "leads for their teams, managers and admins", Refusal.LEFT_OUT
    ),
    "core.staffing.service.team_forecast_floors": Rule(
        R, PLANNERS, "the team's lead, managers and admins"
    ),
    "core.staffing.service.staffing_target": Rule(
        R, PLANNERS, "the team's lead, managers and admins"
    ),
    "core.staffing.service.set_staffing_target": Rule(
        W,
        PLANNERS,
        "a team's override: its lead, managers and admins; the organisation's: managers and admins",
    ),
    "core.pd.coverage.coverage": Rule(R, PLANNERS, "the team's lead, managers and admins"),
    "core.pd.coverage.why_these_days": Rule(R, PLANNERS, "the team's lead, managers and admins"),
    "core.pd.coverage.why_my_days": Rule(R, EVERYONE, OWN),
    "core.pd.days.list_team_days": Rule(R, PLANNERS, "the team's lead, managers and admins"),
    "core.pd.days.my_pd_days": Rule(R, EVERYONE, OWN),
    "core.pd.days.my_withdrawn_days": Rule(R, EVERYONE, OWN),
    "core.pd.days.unpublish": Rule(W, PLANNERS, "the team's lead, managers and admins"),
    "core.pd.days.check_move": Rule(R, PLANNERS, "the team's lead, managers and admins"),
    "core.pd.days.move": Rule(W, PLANNERS, "the team's lead, managers and admins"),
    "core.pd.days.set_goal": Rule(W, AGENT_ONLY, MINE),
    "core.pd.days.request_dates": Rule(W, AGENTS, "agents, for themself"),
    "core.pd.days.my_requests": Rule(R, EVERYONE, OWN),
    "core.pd.planning.plan_period": Rule(W, PLANNERS, "the team's lead, managers and admins"),
    "core.pd.planning.publish": Rule(W, PLANNERS, "the team's lead, managers and admins"),
    # rotations
    "core.rotations.terms.create_term": Rule(W, ORGANISATION, "managers and admins"),
    "core.rotations.terms.open_next_term": Rule(W, ORGANISATION, "managers and admins"),
    "core.rotations.terms.hosting": Rule(R, LEADS_AND_ORGANISATION, "leads, managers and admins"),
    "core.rotations.terms.set_hosting": Rule(W, ORGANISATION, "managers and admins"),
    "core.rotations.interests.set_interests": Rule(W, AGENTS, "agents, for themself"),
    "core.rotations.interests.interests_of": Rule(R, SEES_AGENT, "the general rule"),
    "core.rotations.interests.my_interests_check": Rule(R, EVERYONE, OWN),
    "core.rotations.interests.interests_prompt": Rule(R, EVERYONE, OWN),
    "core.rotations.outcomes.projects": Rule(R, SEES_AGENT, "the general rule"),
    "core.rotations.outcomes.save_project": Rule(W, AGENT_ONLY, MINE),
    "core.rotations.outcomes.set_host_feedback": Rule(
        W, PLANNERS, "the agent's lead, managers and admins (hosts are contacts, not accounts)"
    ),
    "core.rotations.outcomes.record_career_move": Rule(W, ORGANISATION, "managers and admins"),
    "core.rotations.planning.run_rotations": Rule(
        W, PLANNERS, "the team's lead, managers and admins"
    ),
    "core.rotations.planning.list_assignments": Rule(
        R, PLANNERS, "the team's lead, managers and admins"
    ),
    "core.rotations.planning.review_assignments": Rule(
        R, PLANNERS, "the team's lead, managers and admins"
    ),
    "core.rotations.planning.without_a_choice": Rule(
        R, PLANNERS, "the team's lead, managers and admins"
    ),
    "core.rotations.planning.override": Rule(W, PLANNERS, "the team's lead, managers and admins"),
    "core.rotations.planning.publish_rotations": Rule(
        W, PLANNERS, "the team's lead, managers and admins"
    ),
    "core.rotations.planning.my_rotations": Rule(R, EVERYONE, OWN),
    "core.rotations.programme.programme": Rule(R, ORGANISATION, "managers and admins"),
    "core.pd.exports.rotation_ics": Rule(R, SEES_AGENT, "the general rule"),
    # customer voice
    "core.voice.reasons.add_reason": Rule(W, ADMINS, "admins"),
    "core.voice.reasons.retire_reason": Rule(W, ADMINS, "admins"),
    "core.voice.reasons.propose_reason": Rule(W, EVERYONE, VOICE_ANYONE),
    "core.voice.reasons.proposed_reasons": Rule(
        R, LEADS_AND_ORGANISATION, "leads, managers and admins"
    ),
    "core.voice.reasons.decide_reason": Rule(
        W, LEADS_AND_ORGANISATION, "leads, managers and admins"
    ),
    "core.voice.insights.log_insight": Rule(W, EVERYONE, VOICE_ANYONE),
    "core.voice.insights.hear_too": Rule(W, EVERYONE, VOICE_ANYONE),
    "core.voice.insights.take_back": Rule(W, EVERYONE, VOICE_ANYONE),
    "core.voice.reads.similar_insights": Rule(R, EVERYONE, VOICE_COUNTS),
    "core.voice.reads.my_insights": Rule(R, EVERYONE, OWN),
    "core.voice.reads.insight_overview": Rule(R, COACHES, VOICE_COACHES, Refusal.LEFT_OUT),
    "core.voice.insights.merge_insights": Rule(W, COACHES, VOICE_COACHES),
    "core.voice.insights.promote_to_theme": Rule(W, COACHES, VOICE_COACHES),
    "core.voice.themes.list_themes": Rule(R, EVERYONE, VOICE_COUNTS),
    "core.voice.themes.theme_history": Rule(R, EVERYONE, VOICE_COUNTS),
    "core.voice.themes.themes_to_carry": Rule(R, EVERYONE, OWN),
    "core.voice.themes.take_theme": Rule(W, AGENT_ONLY, VOICE_CARRIERS),
    "core.voice.themes.answer_theme": Rule(
        W,
        _who(Who.AGENT, Who.HOST),
        VOICE_CARRIERS + ", and the department's host",
    ),
    "core.voice.volumes.import_contacts": Rule(
        W, LEADS_AND_ORGANISATION, "leads, managers and admins (organisation-wide figures)"
    ),
    "core.voice.impact.theme_effect": Rule(R, EVERYONE, VOICE_COUNTS),
    "core.voice.scoreboard.voice_scoreboard": Rule(R, ORGANISATION, "managers and admins"),
    "core.voice.scoreboard.scoreboard_csv": Rule(R, ORGANISATION, "managers and admins"),
}

# Public functions that take `actor` but are not services deciding access: each with why.
NOT_SERVICES: dict[str, str] = {
    **{
        f"core.people.access.{name}": "one of the rules themselves (tests/unit/test_access.py)"
        for name in (
            "can_view_person",
            "require_view_person",
            "visible_people",
            "can_view_team",
            "require_view_team",
            "require_admin",
            "may_act_on_team",
            "teams_for",
            "require_teams",
            "require_planner",
            "require_coach",
            "is_coach_of",
            "runs_programme",
            "require_programme",
            "owns_scorecards",
            "require_scorecard_owner",
            "require_quality_oversight",
        )
    },
    "core.people.auth.revoke_person_sessions": "ends a person's sessions for the service that changed "
    "their password, role or account; that service decides access",
    "core.people.audit.record": "records what the actor did; the caller decides access",
    "core.people.audit.record_reads": "records what the actor read; the caller decides access",
    "core.connect.tokens.offered_scopes": "which scopes the actor may give their own token; "
    "reads nothing (create_token checks them)",
}


def services_taking_actor() -> list[str]:
    """Every public function of core/ (models aside) with a parameter named `actor`."""
    import core

    found = []
    for info in pkgutil.walk_packages(core.__path__, "core."):
        if info.name.startswith("core.models") or info.name == "core.__main__":
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                not name.startswith("_")
                and inspect.isfunction(value)
                and value.__module__ == module.__name__
                and "actor" in inspect.signature(value).parameters
            ):
                found.append(f"{module.__name__}.{name}")
    return sorted(found)


def who_may_table() -> str:
    """The README's "Who may do what": one line per rule, ✓ where the person may, and the
    services that follow it (reads, then writes)."""
    people = list(Who)
    groups: dict[tuple[str, frozenset[Who]], dict[Access, list[str]]] = {}
    for name in sorted(RULES):
        rule = RULES[name]
        group = groups.setdefault((rule.rule, rule.allowed), {Access.READ: [], Access.WRITE: []})
        group[rule.access].append(name.removeprefix("core."))
    lines = [
        "| rule | " + " | ".join(p.value for p in people) + " | services |",
        "|---|" + ":-:|" * len(people) + "---|",
    ]
    for (words, allowed), services in sorted(
        groups.items(), key=lambda g: (-len(g[0][1]), g[0][0])
    ):
        listed = "; ".join(
            f"{access.value}s: " + ", ".join(f"`{n}`" for n in names)
            for access, names in services.items()
            if names
        )
        lines.append(
            f"| {words} | "
            + " | ".join("✓" if p in allowed else "–" for p in people)
            + f" | {listed} |"
        )
    return "\n".join(lines)
