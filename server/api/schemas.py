"""Request and response schemas; they validate bodies and generate the OpenAPI document."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.api.fields import BoundedInt, Id, IsSet, MobilePhone, Named, PersonName, Text
from server.roles import LINK_STATUS_NAMES, RELATION_NAMES, ROLES, UNIT_KIND_NAMES


class ErrorBody(ma.Schema):
    """The inside of every error response."""

    code = ma.fields.String(required=True, metadata={"example": "validation_error"})
    message = ma.fields.String(required=True)
    details = ma.fields.Raw(allow_none=True)


class ErrorSchema(ma.Schema):
    """``{"error": {"code", "message", "details"}}``, the one error shape of the API."""

    error = ma.fields.Nested(ErrorBody, required=True)


class UserSchema(ma.Schema):
    """The signed-in person themself (their own phone included)."""

    id = ma.fields.Integer()
    display_name = ma.fields.String(allow_none=True)
    name_under_review = ma.fields.Boolean(
        metadata={"description": "The name is held by the content check: others do not see it yet"}
    )
    phone = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()


class UnitSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    kind_name = Named(UNIT_KIND_NAMES, source="kind")
    ownership = ma.fields.String()
    parent_id = ma.fields.Integer(allow_none=True)


class RefSchema(ma.Schema):
    """A short reference to a unit, class or school: its id and name."""

    id = ma.fields.Integer()
    name = ma.fields.String()


class GrantSchema(ma.Schema):
    id = ma.fields.Integer()
    role = ma.fields.String()
    role_name = Named(ROLES, source="role")
    unit = ma.fields.Nested(UnitSchema)
    class_ = ma.fields.Nested(
        RefSchema, data_key="class", attribute="school_class", allow_none=True
    )


class ChildSchema(ma.Schema):
    """A parent's binding to a child (dumped from the binding)."""

    id = ma.fields.Integer(metadata={"description": "The binding's id (used to unbind)"})
    name = ma.fields.String(attribute="child.name")
    relation = ma.fields.String()
    relation_name = Named(RELATION_NAMES, source="relation")
    status = ma.fields.String(
        metadata={"description": "pending until the class teacher approves; approved; rejected"}
    )
    status_name = Named(LINK_STATUS_NAMES, source="status")
    class_ = ma.fields.Nested(RefSchema, data_key="class", attribute="child.school_class")
    school = ma.fields.Nested(RefSchema, attribute="child.school_class.school")


class LoginRequest(ma.Schema):
    code = Text(required=True, min_length=1, max_length=128)


class LoginResponse(ma.Schema):
    token = ma.fields.String()
    expires_at = ma.fields.DateTime()
    user = ma.fields.Nested(UserSchema)


class MeResponse(ma.Schema):
    user = ma.fields.Nested(UserSchema)
    grants = ma.fields.List(ma.fields.Nested(GrantSchema))
    children = ma.fields.List(ma.fields.Nested(ChildSchema))
    capabilities = ma.fields.List(ma.fields.String())


class RoleSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    unit_kinds = ma.fields.List(ma.fields.String())
    needs_class = ma.fields.Boolean()
    is_admin = ma.fields.Boolean(metadata={"description": "May invite people and manage units"})


class RolesResponse(ma.Schema):
    roles = ma.fields.List(ma.fields.Nested(RoleSchema))


class UnitListQuery(ma.Schema):
    parent_id = Id()
    administered = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Top level: only the units the caller administers"},
    )


class UnitsResponse(ma.Schema):
    units = ma.fields.List(ma.fields.Nested(UnitSchema))


class SchoolClassSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    grade = ma.fields.String()
    class_code = ma.fields.String(allow_none=True)


class ClassesResponse(ma.Schema):
    classes = ma.fields.List(ma.fields.Nested(SchoolClassSchema))


class InvitationCreate(ma.Schema):
    unit_id = Id(required=True)
    role = Text(required=True, min_length=1, max_length=30)
    class_id = Id(load_default=None, allow_none=True)
    max_uses = BoundedInt(load_default=1, min=1, max=500)
    expires_in_hours = BoundedInt(load_default=72, min=1, max=720)


class InvitationSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    role = ma.fields.String()
    role_name = Named(ROLES, source="role")
    unit = ma.fields.Nested(UnitSchema)
    class_ = ma.fields.Nested(
        RefSchema, data_key="class", attribute="school_class", allow_none=True
    )
    max_uses = ma.fields.Integer()
    uses = ma.fields.Integer()
    expires_at = ma.fields.DateTime()
    revoked = IsSet(attribute="revoked_at")
    qr_text = ma.fields.String()


class InvitationListQuery(ma.Schema):
    unit_id = Id(required=True)


class InvitationsResponse(ma.Schema):
    invitations = ma.fields.List(ma.fields.Nested(InvitationSchema))


class RedeemRequest(ma.Schema):
    code = Text(required=True, min_length=4, max_length=64)
    display_name = Text(
        load_default=None,
        allow_none=True,
        min_length=1,
        max_length=20,
        metadata={"description": "The person's name; required when they have none yet"},
    )
    phone = MobilePhone(allow_none=True, metadata={"description": "Optional mobile number"})


class RedeemResponse(ma.Schema):
    grant = ma.fields.Nested(GrantSchema)


class BindChildRequest(ma.Schema):
    class_code = Text(required=True, min_length=6, max_length=12)
    child_name = PersonName(required=True)
    relation = ma.fields.String(required=True, validate=validate.OneOf(list(RELATION_NAMES)))
    family_code = Text(
        load_default=None,
        allow_none=True,
        min_length=6,
        max_length=12,
        metadata={"description": "The child's one-time family code: approves the binding at once"},
    )
    display_name = Text(
        load_default=None,
        allow_none=True,
        min_length=1,
        max_length=20,
        metadata={
            "description": "The parent's name, shown to the class teacher; required when they "
            "have none yet (422 name_required), else it changes their name as PATCH /me does"
        },
    )
    phone = MobilePhone(allow_none=True, metadata={"description": "Optional mobile number"})


class FamilyCodeRequest(ma.Schema):
    family_code = Text(required=True, min_length=6, max_length=12)


class ChildrenResponse(ma.Schema):
    children = ma.fields.List(ma.fields.Nested(ChildSchema))


class FocusProblemSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()


class AreaSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    focus_problems = ma.fields.List(ma.fields.Nested(FocusProblemSchema))


class PhaseSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String()
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    current = ma.fields.Boolean()


class CampaignSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    year = ma.fields.Integer()
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    in_progress = ma.fields.Boolean()
    phases = ma.fields.List(ma.fields.Nested(PhaseSchema))
    areas = ma.fields.List(ma.fields.Nested(AreaSchema))


class LiveResponse(ma.Schema):
    """``/livez``: the process answers."""

    status = ma.fields.String()


class HealthResponse(ma.Schema):
    """``/healthz`` and ``/readyz``: each dependency's state (``ok`` or ``error: <reason>``)."""

    status = ma.fields.String()
    checks = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())


class ProfileUpdate(ma.Schema):
    """``PATCH /me``: the fields given change; a null phone removes it."""

    display_name = Text(min_length=1, max_length=20)
    phone = MobilePhone(allow_none=True)


class PersonRefSchema(ma.Schema):
    """A person named in an answer: id and name."""

    id = ma.fields.Integer()
    display_name = ma.fields.String(allow_none=True)


class StaffMemberSchema(ma.Schema):
    """A person holding roles at a unit or below, as an admin of it sees them."""

    id = ma.fields.Integer()
    display_name = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True, metadata={"description": "Shown to admins only"})
    active = ma.fields.Boolean(attribute="is_active")
    is_self = ma.fields.Boolean(metadata={"description": "The caller (who cannot act on it)"})
    grants = ma.fields.List(ma.fields.Nested(GrantSchema))


class StaffResponse(ma.Schema):
    staff = ma.fields.List(ma.fields.Nested(StaffMemberSchema))


class AuditQuery(ma.Schema):
    unit_id = Id(required=True)


class AuditRecordSchema(ma.Schema):
    """One change an admin made to a person."""

    id = ma.fields.Integer()
    action = ma.fields.String(
        metadata={"description": "grant_revoked, user_disabled or user_enabled"}
    )
    actor = ma.fields.Nested(PersonRefSchema)
    target = ma.fields.Nested(PersonRefSchema)
    unit = ma.fields.Nested(RefSchema)
    role = ma.fields.String(allow_none=True)
    role_name = Named(ROLES, source="role", allow_none=True)
    created_at = ma.fields.DateTime()


class AuditResponse(ma.Schema):
    records = ma.fields.List(ma.fields.Nested(AuditRecordSchema))
