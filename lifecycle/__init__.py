"""The Pulumi lifecycle every entity shares: checked inputs, diffs, creates that never duplicate, refresh,
adoption of what the org already holds, registration outcomes waited for in shared polling rounds, and the
org's listings and catalogue read once per `pulumi` operation. Named for what each does; no entity here."""
