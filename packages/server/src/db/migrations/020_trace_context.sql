-- The trace a generation was created in (W3C traceparent), when the gateway sends traces: the worker continues
-- that trace for each step, so one trace shows the create, every step, each provider call and the stored output.
ALTER TABLE generations ADD COLUMN trace_context text;
