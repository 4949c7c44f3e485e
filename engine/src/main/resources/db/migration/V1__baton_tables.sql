-- Baton's own tables in the Camunda database, as the engine created them at start-up before it had
-- migrations. Idempotent (IF NOT EXISTS): a database from then already holds them, is baselined at
-- version 0 and runs this too. One file serves H2 (the default embedded database) and PostgreSQL.

-- Sales: reps, lead owners, the manager queue, SLA answers and the round-robin cursor.
CREATE TABLE IF NOT EXISTS baton_sales_rep (id VARCHAR(100) PRIMARY KEY, name VARCHAR(255),
    email VARCHAR(255), phone VARCHAR(32), team VARCHAR(100) NOT NULL, territories VARCHAR(1000),
    industries VARCHAR(1000), languages VARCHAR(255), working_hours VARCHAR(100), time_zone VARCHAR(64),
    capacity INTEGER NOT NULL, out_of_office BOOLEAN NOT NULL, crm_id VARCHAR(100), notify_by VARCHAR(16),
    open_leads INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS baton_sales_owner (lead_id VARCHAR(255) PRIMARY KEY,
    rep_id VARCHAR(100) NOT NULL, journey_instance VARCHAR(64), assigned_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS baton_sales_queue (lead_id VARCHAR(255) PRIMARY KEY,
    team VARCHAR(100) NOT NULL, reason VARCHAR(1000), queued_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS baton_sales_sla (answer_key VARCHAR(100) PRIMARY KEY,
    rep_id VARCHAR(100) NOT NULL, hit BOOLEAN NOT NULL, answered_at TIMESTAMP NOT NULL);
CREATE INDEX IF NOT EXISTS baton_sales_sla_rep ON baton_sales_sla (rep_id);
CREATE TABLE IF NOT EXISTS baton_sales_cursor (pool VARCHAR(64) PRIMARY KEY, position BIGINT NOT NULL);

-- Journeys: signals seen (a replay changes nothing).
CREATE TABLE IF NOT EXISTS baton_journey_signal (message_id VARCHAR(255) PRIMARY KEY,
    lead_id VARCHAR(255) NOT NULL, event VARCHAR(255) NOT NULL, received_at TIMESTAMP NOT NULL);
-- Signals no journey step was waiting for yet, kept until one waits or their time to live ends.
CREATE TABLE IF NOT EXISTS baton_journey_buffer (message_id VARCHAR(255) NOT NULL,
    message_name VARCHAR(255) NOT NULL, lead_id VARCHAR(255) NOT NULL, signal_json VARCHAR(100000) NOT NULL,
    received_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL, PRIMARY KEY (message_id, message_name));
CREATE INDEX IF NOT EXISTS baton_journey_buffer_lead ON baton_journey_buffer (lead_id);
CREATE TABLE IF NOT EXISTS baton_journey_buffer_expired (message_name VARCHAR(255) PRIMARY KEY,
    expired BIGINT NOT NULL, last_expired_at TIMESTAMP NOT NULL);
-- At most one active instance per lead and journey, held by the database: the primary key makes a
-- second start of the same journey for the same lead (another node, another partition) fail and
-- retry, and then find the first.
CREATE TABLE IF NOT EXISTS baton_journey_active (lead_id VARCHAR(255) NOT NULL,
    process_key VARCHAR(255) NOT NULL, instance_id VARCHAR(64) NOT NULL, PRIMARY KEY (lead_id, process_key));

-- Messaging: calls to a provider per one-second window, shared by every node.
CREATE TABLE IF NOT EXISTS baton_rate_window (name VARCHAR(100) NOT NULL, window_start BIGINT NOT NULL,
    used INTEGER NOT NULL, PRIMARY KEY (name, window_start));

-- Tracking: events Kafka did not take, sent on when it answers again.
CREATE TABLE IF NOT EXISTS baton_event_outbox (message_id VARCHAR(100) NOT NULL PRIMARY KEY,
    payload VARCHAR(100000) NOT NULL, created_at TIMESTAMP NOT NULL);
