-- kenttä schema version 5 (issue 15): the rest of a client's ESF+ start data, what the
-- programmes' eligibility rules read, and a coach's recorded exception to a rule. Replicated
-- columns of `clients` (declared once, in kenttä.domain.models.Client); NULL means not asked.
ALTER TABLE clients ADD COLUMN third_country_national TEXT;
ALTER TABLE clients ADD COLUMN consent_date TEXT;
ALTER TABLE clients ADD COLUMN months_unemployed_last_16 INTEGER;
ALTER TABLE clients ADD COLUMN earnings_related_allowance INTEGER;
ALTER TABLE clients ADD COLUMN eligibility_exception TEXT;
ALTER TABLE clients ADD COLUMN eligibility_exception_programme TEXT;
ALTER TABLE clients ADD COLUMN eligibility_exception_on TEXT;
