"""Reading a stack and its org outside a Pulumi run, as the doctor and the exporter do: the stack's config
through the pulumi CLI (``stack``), reads made once with what each answered about its grant (``reads``), the
findings of a check (``findings``, ``permissions``, ``catalogue``, ``unknowns``) and the config entries
written from what the org holds (``entries``). Each entity's home says what of it is checked and exported,
in these terms."""
