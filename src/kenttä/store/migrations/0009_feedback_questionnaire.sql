-- kenttä schema version 9: feedback answers a fixed questionnaire (issue 15, point 5).
-- `scores` is JSON {question: 1–5} (kenttä.domain.codes.FeedbackQuestion); the overall
-- question `satisfaction` is also kept in `rating`, so rows written before this version
-- (a single rating, no scores) stay readable as that one answer. `voucher_id` and
-- `provider_id` name what the feedback is about; `source` is coach | survey; `entered_by`
-- who typed or imported it.
ALTER TABLE feedback ADD COLUMN scores TEXT;
ALTER TABLE feedback ADD COLUMN voucher_id TEXT;
ALTER TABLE feedback ADD COLUMN provider_id TEXT;
ALTER TABLE feedback ADD COLUMN source TEXT;
ALTER TABLE feedback ADD COLUMN entered_by TEXT;
CREATE INDEX IF NOT EXISTS feedback_given_on ON feedback (given_on);
