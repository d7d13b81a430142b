/*
 * tpl.h — the C face of the ctemplate shim (tpl.cc).  No C++ exception
 * crosses it: every function catches and reports failure by return value.
 */
#ifndef PT_TPL_H
#define PT_TPL_H

#include <stddef.h>

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pt_tpl_cache;   /* ctemplate::TemplateCache */

/* A cache searching root first, then fallback (either may be NULL). */
struct pt_tpl_cache *pt_tpl_cache_new(const char *root, const char *fallback);
void  pt_tpl_cache_free(struct pt_tpl_cache *c);
/* Forget loaded templates so they are re-read from disk (reload). */
void  pt_tpl_cache_reload(struct pt_tpl_cache *c);
/* Does the cache find this template (in root or fallback), parsed without error? */
int   pt_tpl_cache_has(struct pt_tpl_cache *c, const char *filename);

/*
 * Expanding a JSON view.  The view is read in place while the template
 * expands (nothing is copied), so it must not change during the call.
 * A view's members become what the template names:
 *   string, number   {{key}} (integers as %lld, reals as %.15g)
 *   true             {{#key}}…{{/key}} shown once, with the values around it
 *   false, null      not a section (hidden, as is anything the view lacks)
 *   object           {{#key}} shown once with the object's members
 *   array            {{#key}} repeated per element: an object element gives
 *                    its members, any other element is {{value}} (or
 *                    {{#value}}, by the same rules); {{#key_empty}} shown
 *                    when the array is empty, {{key_count}} its length
 *                    (a member really named key_count or key_empty wins)
 * As with ctemplate's own dictionaries, a name a section's scope lacks is
 * looked up in the enclosing scopes, then in globals (so a row's false or
 * null does not hide an outer section of the same name).  Sections nest
 * at most 16 deep; a template that goes deeper into its view fails.
 */

/* {{>name}} in the page expands filename with view (an object, or NULL
 * for none).  An include sees its own view and the globals, never the
 * page's values.  Several includes of one name expand one after another. */
struct pt_tpl_include {
    const char   *name;
    const char   *filename;
    const json_t *view;
};

/* Expands filename with view (an object, or NULL); globals (an object of
 * page-wide string values, or NULL) are seen by the page, its sections and
 * its includes.  Auto-escaping is the template's: every template starts
 * with its AUTOESCAPE pragma.  *out is malloc'd (free() it), NUL-terminated.
 * Returns 0, or -1 (template or include missing or broken, a view or
 * globals that is not an object, sections nested too deep, out of memory),
 * with *out NULL and *len 0. */
int   pt_tpl_expand_view(struct pt_tpl_cache *c, const char *filename, const json_t *view,
                         const json_t *globals, const struct pt_tpl_include *includes,
                         size_t n_includes, char **out, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
