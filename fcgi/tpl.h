/*
 * tpl.h — the C face of the ctemplate shim (tpl.cc).  No C++ exception
 * crosses it: every function catches and reports failure by return value.
 */
#ifndef PT_TPL_H
#define PT_TPL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pt_tpl_cache;   /* ctemplate::TemplateCache */
struct pt_tpl_dict;    /* ctemplate::TemplateDictionary */

/* A cache searching root first, then fallback (either may be NULL). */
struct pt_tpl_cache *pt_tpl_cache_new(const char *root, const char *fallback);
void  pt_tpl_cache_free(struct pt_tpl_cache *c);
/* Forget loaded templates so they are re-read from disk (reload). */
void  pt_tpl_cache_reload(struct pt_tpl_cache *c);
/* Does the cache find this template (in root or fallback), parsed without error? */
int   pt_tpl_cache_has(struct pt_tpl_cache *c, const char *filename);

struct pt_tpl_dict *pt_tpl_dict_new(const char *name);
void  pt_tpl_dict_free(struct pt_tpl_dict *d);

/* Values are copied by the dictionary. */
int   pt_tpl_set(struct pt_tpl_dict *d, const char *name, const char *value, size_t len);
/* The same without a copy: value must outlive the dictionary (a view's
 * strings do: the view lives until the request ends). */
int   pt_tpl_set_borrowed(struct pt_tpl_dict *d, const char *name, const char *value,
                          size_t len);
int   pt_tpl_set_int(struct pt_tpl_dict *d, const char *name, long value);
/* Page-wide values that include dictionaries also see. */
int   pt_tpl_set_global(struct pt_tpl_dict *d, const char *name, const char *value);
int   pt_tpl_show_global_section(struct pt_tpl_dict *d, const char *name);
int   pt_tpl_show_section(struct pt_tpl_dict *d, const char *name);
/* Owned by the parent dictionary; NULL on failure. */
struct pt_tpl_dict *pt_tpl_add_section(struct pt_tpl_dict *d, const char *name);
struct pt_tpl_dict *pt_tpl_add_include(struct pt_tpl_dict *d, const char *name,
                                       const char *filename);

/* Expands filename with d; *out is malloc'd (free() it), NUL-terminated.
 * Returns 0, or -1 (template missing or broken, or out of memory). */
int   pt_tpl_expand(struct pt_tpl_cache *c, const char *filename,
                    const struct pt_tpl_dict *d, char **out, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
