/*
 * view.h — a handler's JSON view turned into a ctemplate dictionary.
 *   string/number   → {{key}}
 *   true            → {{#key}}…{{/key}} shown;  false/null → hidden
 *   object          → section {{#key}} shown once with the object's members
 *   array           → section {{#key}} repeated per element ({{value}} for
 *                      scalars, members for objects), plus {{#key_empty}}
 *                      shown when the array is empty and {{key_count}}
 */
#ifndef PT_VIEW_H
#define PT_VIEW_H

#include <jansson.h>

struct pt_tpl_dict;

/* Fills d from the members of view (an object).  0 or -1. */
int pt_view_to_dict(const json_t *view, struct pt_tpl_dict *d);

#endif
