-- The PostgreSQL projection of the timeline (DESIGN §4). Every table can be rebuilt from the
-- commands log, so nothing here is the source of truth; the sink keeps it exact, not the schema.
-- Unqualified names: Flyway sets the search path to the configured schema (jobline.db.schema).

-- One row per job: its latest snapshot. The sink updates a row only when the incoming event's
-- sequence is greater than the stored one, so an old event never moves a job back.
create table jobs (
    job_id       text        primary key,
    tenant       text        not null,
    job_type     text        not null,
    status       text        not null,
    attempt      integer     not null,
    failures     integer     not null,
    sequence     bigint      not null,
    snapshot     jsonb       not null,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    completed_at timestamptz
);

-- Listing a tenant's jobs by status, newest first, with keyset pagination on (updated_at, job_id).
create index jobs_by_tenant_status_updated on jobs (tenant, status, updated_at, job_id);

-- One row per timeline event. The primary key also serves "a job's history in sequence order".
create table job_history (
    job_id   text        not null,
    sequence bigint      not null,
    event_id text        not null,
    type     text        not null,
    time     timestamptz not null,
    tenant   text        not null,
    envelope jsonb       not null,
    constraint job_history_pkey primary key (job_id, sequence),
    constraint job_history_event_id_key unique (event_id)
);

-- Rejected commands from the rejections topic, and records the sink could never write (reason
-- 'malformed'). The Kafka position is the key: the same record replayed lands on the same row.
create table job_rejections (
    topic          text        not null,
    partition      integer     not null,
    record_offset  bigint      not null,
    reason         text        not null,
    message        text        not null,
    status         text,
    job_id         text,
    command_id     text,
    command_type   text,
    time           timestamptz not null,
    -- The record as it was read, or its bytes when it could not be read: exactly one is set.
    record         jsonb,
    raw            bytea,
    constraint job_rejections_pkey primary key (topic, partition, record_offset),
    constraint job_rejections_record_or_raw check ((record is null) <> (raw is null))
);

create index job_rejections_by_job on job_rejections (job_id, time);

-- The sink's consumer positions: written in the same transaction as the rows they cover, so the
-- tables and the positions never disagree. Kafka's committed offsets are not used.
create table sink_offsets (
    sink        text        not null,
    topic       text        not null,
    partition   integer     not null,
    next_offset bigint      not null,
    updated_at  timestamptz not null default now(),
    constraint sink_offsets_pkey primary key (sink, topic, partition)
);
