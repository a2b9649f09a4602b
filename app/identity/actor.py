"""Who acts: one person in one organisation on one day, with the duties they carry.

Built by app.identity.substitutes.actor_context from memberships and absences; every service
takes it, and every check of a role, a department or a substitution reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.roles import Role


@dataclass(frozen=True)
class ActorContext:
    """A person acting in one organisation on one day, or the software acting for the
    organisation in a duty's role (`user_id` None, see `software`)."""

    user_id: int | None
    organisation_id: int
    roles: frozenset[Role]
    department_ids: frozenset[int] = frozenset()
    # A role this person holds only as a substitute → the absent holder it is carried for.
    on_behalf: dict[Role, int] = field(default_factory=dict)
    # Departments reached only as a substitute → the absent executor.
    department_on_behalf: dict[int, int] = field(default_factory=dict)
    # Not a person: what acts (e.g. "connector", recording the author's reply it read in the
    # network); the log names it instead of a user.
    software: str = ""

    @classmethod
    def of_software(
        cls, software: str, organisation_id: int, roles: frozenset[Role], department_id: int
    ) -> ActorContext:
        """The software acting in these roles for one department's assignment."""
        return cls(None, organisation_id, roles, frozenset({department_id}), software=software)

    def substitute_for(self, role: Role | None, department_id: int | None = None) -> int | None:
        """The absent person whose duty this is, when the actor carries it as substitute."""
        if department_id is not None and department_id in self.department_on_behalf:
            return self.department_on_behalf[department_id]
        return self.on_behalf.get(role) if role is not None else None
