"""Contacts: an account's restamp finds its contacts by index.

The trigger that restamps an account's contacts when its owner, territory or archive changes
looked them up by account alone, which no index leads with: with contacts in the table, every
account a territory's edit re-assigned read all of them. It now names the organisation too, and
walks contacts_org_account_idx.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

RESTAMP_FUNCTION = """
CREATE OR REPLACE FUNCTION waypoint_restamp_contacts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The contacts' own stamp trigger gives them this transaction's id.
    UPDATE contacts SET change_xid = 0 WHERE {where};
    RETURN NULL;
END
$$
"""


def upgrade():
    op.execute(RESTAMP_FUNCTION.format(where="org_id = NEW.org_id AND account_id = NEW.id"))


def downgrade():
    op.execute(RESTAMP_FUNCTION.format(where="account_id = NEW.id"))
