"""My pledge (agent) and the pledges I mentor: signatures, the daily mind check, streak, heatmap."""

import streamlit as st

from core.learning.pledges import (
    TEMPLATES,
    check_ins,
    draft_pledge,
    edit_commitments,
    mentor_choices,
    mentored,
    my_pledge,
    nudge,
    renew,
    retire,
    sign,
)
from core.models import PledgeStatus
from core.platform.clock import today
from ui.forms import SaveOnceForm
from ui.pledges import heatmap_figure, mind_check_section, printable_pledge
from ui.state import actor, db
from ui.text import plain
from ui.widgets import pick_many, plot_built

me = actor()
day = today()
st.title("Promise of positivity")
with db() as session:
    mine = my_pledge(session, actor=me) if me.role.value == "agent" else None
    mentoring = mentored(session, actor=me)

if me.role.value == "agent":
    if mine is None:
        st.info(
            "A pledge is your personal promise about how you show up at work, co-signed by a mentor who holds you to it."
        )
        with db() as session:
            mentors = dict(mentor_choices(session, actor=me))
        # Own commitments are kept as a draft while typed: a reload does not lose them.
        with SaveOnceForm("pledge_new", draft="pledge", actor=me) as new_form:
            chosen = pick_many(
                "Commitments (start from these, add your own below)",
                list(TEMPLATES),
                default=list(TEMPLATES[:3]),
                key=new_form.key_for("templates"),
            )
            own = new_form.text_area("My own commitments (one a line)", field="commitments")
            mentor = st.selectbox(
                "My mentor",
                list(mentors),
                index=None,
                format_func=mentors.__getitem__,
                placeholder="Choose your mentor",
                help="The colleague who co-signs your pledge and holds you to it: your team lead, "
                "a teammate or anyone you trust. They are asked to co-sign once you sign.",
                key=new_form.key_for("mentor"),
            )
            start = st.date_input(
                "Starting", value=day, format="YYYY-MM-DD", key=new_form.key_for("start")
            )
            if new_form.submitted("Save draft", type="primary"):
                new_form.save(
                    draft_pledge,
                    actor=me,
                    mentor_id=mentor,
                    commitments=chosen + own.splitlines(),
                    start_date=start,
                )
    else:
        st.subheader(f"My pledge · {mine.status.value}")
        for number, text in enumerate(mine.commitments, start=1):
            st.text(f"{number}. {text}")
        st.text(f"Mentor: {mine.mentor} · from {mine.start_date:%d %B %Y}")
        if mine.status is PledgeStatus.DRAFT:
            with (
                st.expander(
                    "Edit my commitments before signing", key="pledge_edit_open", on_change="rerun"
                ),
                SaveOnceForm("pledge_edit") as edit_form,
            ):
                text = st.text_area("One commitment a line", value="\n".join(mine.commitments))
                if edit_form.submitted("Save commitments"):
                    edit_form.save(
                        edit_commitments,
                        actor=me,
                        pledge_id=mine.id,
                        commitments=text.splitlines(),
                        done="Saved.",
                    )
        if mine.status is PledgeStatus.DRAFT and st.button(
            "Sign my pledge", type="primary", key="pledge_sign"
        ):
            with db() as session:
                sign(session, actor=me, pledge_id=mine.id)
            st.rerun()
        if mine.status is PledgeStatus.AWAITING_MENTOR:
            st.info(
                f"Waiting for {plain(mine.mentor)} to co-sign. Your daily mind check starts once "
                "they have."
            )
        if mine.status in (PledgeStatus.ACTIVE, PledgeStatus.RENEWED):
            mind_check_section(me, mine, day)
            st.download_button(
                "Printable signed pledge", printable_pledge(mine), "my-pledge.html", "text/html"
            )
            if st.button("Renew my pledge from today", key="pledge_renew"):
                with db() as session:
                    renew(session, actor=me, pledge_id=mine.id)
                st.rerun()
            if st.checkbox("Retire this pledge", key="pledge_retire_ok") and st.button(
                "Yes, retire it", key="pledge_retire"
            ):
                with db() as session:
                    retire(session, actor=me, pledge_id=mine.id)
                st.rerun()

st.subheader("Pledges I mentor")
if not mentoring:
    st.info("No one has asked you to mentor their pledge yet.")
for p in mentoring:
    with st.container(border=True):
        st.markdown(f"**{plain(p.agent)}** · {p.status.value}")
        for number, text in enumerate(p.commitments, start=1):
            st.text(f"{number}. {text}")
        if p.status is PledgeStatus.DRAFT:
            st.text(f"{p.agent} is still writing it: you are asked to co-sign once they sign it.")
        if p.status is PledgeStatus.AWAITING_MENTOR and st.button(
            "Co-sign", type="primary", key=f"cosign_{p.id}"
        ):
            with db() as session:
                sign(session, actor=me, pledge_id=p.id)
            st.rerun()
        if p.status in (PledgeStatus.ACTIVE, PledgeStatus.RENEWED):
            with db() as session:
                checks = check_ins(session, actor=me, agent_id=p.agent_id)
            plot_built(
                heatmap_figure,
                tuple(checks),
                p.start_date,
                day,
                empty=f"No mind checks from {p.agent} yet: their days appear here, coloured by "
                "how each went, once they start checking in.",
                key=f"mentee_heat_{p.id}",
                width="content",
            )
            for c in [c for c in checks if c.note][-5:]:
                st.text(f"{c.about:%a %d %b}: {c.answer.value} — {c.note}")
            with SaveOnceForm(f"nudge_{p.id}") as nudge_form:
                words = st.text_input("A word of encouragement (optional)")
                if nudge_form.submitted("Send a nudge", icon=":material/favorite:"):
                    nudge_form.save(
                        nudge,
                        actor=me,
                        pledge_id=p.id,
                        message=words,
                        done=f"Nudge sent: {p.agent} sees it in their inbox.",
                    )
