/**
 * Validation shared by every settings record of a run (the YAML sections): a bad value is a
 * {@link org.prime4j.orchestrator.settings.FieldError} naming its field, which the config reader turns into
 * {@code file:line: section.field: problem}. A leaf package, so the records can live beside the code that
 * uses them (the trainers' settings in {@code train}, the advantage settings in {@code prime}).
 */
package org.prime4j.orchestrator.settings;
