"""The database schema, in one place, as numbered migrations (PRAGMA user_version).

Months are stored as integer indexes (year*12 + month-1), money as decimal text, times as
ISO-8601 text with offset. Published (pub_*) columns (pub_unit_account_no NULL = not yet on any roster) are the nightly snapshot that the roster
and unit-info queries show (clauses 3.5, 3.6); the live columns are what the rules use.
"""

MIGRATIONS: list[str] = [
    # 1: initial schema
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE TABLE units (
        account_no TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        uscc TEXT NOT NULL UNIQUE,
        entrusted_collection INTEGER NOT NULL,
        first_month INTEGER NOT NULL,
        opening_stage TEXT NOT NULL,
        query_password_hash TEXT,
        operator_name TEXT NOT NULL,
        operator_mobile TEXT NOT NULL,
        operator_id_number TEXT NOT NULL,
        pub_operator_name TEXT,
        pub_operator_mobile TEXT,
        pub_operator_id_number TEXT,
        operator_dirty INTEGER NOT NULL DEFAULT 0,
        operator_changed_at TEXT
    );

    CREATE TABLE certificates (
        serial TEXT PRIMARY KEY,
        unit_account_no TEXT NOT NULL REFERENCES units(account_no),
        pin_hash TEXT NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_at TEXT
    );
    CREATE INDEX certificates_unit ON certificates(unit_account_no);

    CREATE TABLE remittances (
        unit_account_no TEXT NOT NULL REFERENCES units(account_no),
        month INTEGER NOT NULL,
        remitted_at TEXT NOT NULL,
        arrived_at TEXT,
        PRIMARY KEY (unit_account_no, month)
    ) WITHOUT ROWID;

    CREATE TABLE accounts (
        personal_no TEXT PRIMARY KEY,
        unit_account_no TEXT NOT NULL REFERENCES units(account_no),
        name TEXT NOT NULL,
        id_number TEXT NOT NULL,
        state TEXT NOT NULL,
        origin TEXT NOT NULL,
        joined_month INTEGER NOT NULL,
        storage_card TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        pub_unit_account_no TEXT,
        pub_name TEXT, pub_id_number TEXT, pub_state TEXT,
        pub_base TEXT, pub_unit_rate TEXT, pub_personal_rate TEXT,
        dirty INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX accounts_unit ON accounts(unit_account_no, personal_no);
    CREATE INDEX accounts_roster ON accounts(pub_unit_account_no, personal_no);
    CREATE INDEX accounts_id ON accounts(id_number);
    CREATE INDEX accounts_dirty ON accounts(dirty) WHERE dirty = 1;

    CREATE TABLE segments (
        personal_no TEXT NOT NULL REFERENCES accounts(personal_no),
        seq INTEGER NOT NULL,
        unit_account_no TEXT NOT NULL,
        start_month INTEGER NOT NULL,
        end_month INTEGER,
        base TEXT NOT NULL,
        unit_rate TEXT NOT NULL,
        personal_rate TEXT NOT NULL,
        PRIMARY KEY (personal_no, seq)
    ) WITHOUT ROWID;
    CREATE INDEX segments_unit ON segments(unit_account_no, start_month);

    CREATE TABLE back_pays (
        personal_no TEXT NOT NULL REFERENCES accounts(personal_no),
        month INTEGER NOT NULL,
        unit_account_no TEXT NOT NULL,
        cause TEXT NOT NULL,
        business_no TEXT NOT NULL,
        base TEXT NOT NULL,
        unit_amount TEXT NOT NULL,
        personal_amount TEXT NOT NULL,
        settle_month INTEGER NOT NULL,
        PRIMARY KEY (personal_no, month)
    ) WITHOUT ROWID;
    CREATE INDEX back_pays_settle ON back_pays(unit_account_no, settle_month);

    CREATE TABLE businesses (
        id TEXT PRIMARY KEY,
        unit_account_no TEXT NOT NULL REFERENCES units(account_no),
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        submitted_at TEXT,
        business_no TEXT UNIQUE,
        receipt TEXT,
        idempotency_key TEXT
    );
    CREATE INDEX businesses_unit ON businesses(unit_account_no, created_at);
    CREATE UNIQUE INDEX businesses_idem ON businesses(unit_account_no, idempotency_key)
        WHERE idempotency_key IS NOT NULL;

    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        personal_no TEXT NOT NULL,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        business_no TEXT,
        unit_account_no TEXT NOT NULL,
        detail TEXT NOT NULL
    );
    CREATE INDEX events_account ON events(personal_no, id);

    CREATE TABLE verifications (
        unit_account_no TEXT NOT NULL,
        month INTEGER NOT NULL,
        business_no TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        summary TEXT NOT NULL,
        PRIMARY KEY (unit_account_no, month)
    ) WITHOUT ROWID;

    CREATE TABLE certificate_applications (
        id INTEGER PRIMARY KEY,
        unit_name TEXT NOT NULL,
        uscc TEXT NOT NULL,
        applied_on TEXT NOT NULL,
        followup_deadline TEXT NOT NULL
    );

    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        serial TEXT NOT NULL,
        unit_account_no TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );

    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    """,
]
