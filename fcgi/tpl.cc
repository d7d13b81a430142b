/*
 * tpl.cc — the C face of ctemplate (see tpl.h).
 *
 * Why a shim: ctemplate is C++, the rest of the portal is C.  Every
 * extern "C" function runs its body inside guarded(), so no exception
 * (std::bad_alloc above all) ever unwinds through C frames; failure comes
 * back as NULL or -1 and is logged here, once.
 *
 * The opaque C handles are the ctemplate objects themselves
 * (reinterpret_cast), because section and include dictionaries are owned
 * by their parent and handed out by ctemplate: wrapping them would cost an
 * allocation per section.
 *
 * Rules kept here so that nobody else has to remember them:
 *   - one TemplateCache per template set, made with `new`; the default
 *     (process-wide) cache is never touched, so a host's overrides cannot
 *     leak into another host's pages;
 *   - SetGlobalValue (process-wide, lives forever) is never called: page-wide
 *     values go through SetTemplateGlobalValue on the page's dictionary;
 *   - values are copied into the dictionary's own arena (SetValue memdups
 *     them, see template_dictionary.cc), so callers may pass request-arena
 *     or stack memory;
 *   - templates are expanded with DO_NOT_STRIP: the output is exactly what
 *     the file says (matters for <pre>, text mails and nginx blocks).
 */
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>

#include <ctemplate/template.h>
#include <ctemplate/template_cache.h>
#include <ctemplate/template_dictionary.h>
#include <ctemplate/template_string.h>

#include "tpl.h"

/* portal.h cannot be included from C++ (struct pt_route has a member
 * named `template`), so the one logging function used here is declared
 * by hand; it is defined in log.c with the same signature. */
extern "C" void pt_log_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

namespace {

using ctemplate::TemplateCache;
using ctemplate::TemplateDictionary;
using ctemplate::TemplateString;

/* A page of the portal is 5–50 KB: start the output there, not at 15 bytes. */
const size_t PT_TPL_OUT_RESERVE = 16384;

TemplateCache *cache_of(struct pt_tpl_cache *c)
{
    return reinterpret_cast<TemplateCache *>(c);
}

TemplateDictionary *dict_of(struct pt_tpl_dict *d)
{
    return reinterpret_cast<TemplateDictionary *>(d);
}

const TemplateDictionary *dict_of(const struct pt_tpl_dict *d)
{
    return reinterpret_cast<const TemplateDictionary *>(d);
}

struct pt_tpl_dict *handle_of(TemplateDictionary *d)
{
    return reinterpret_cast<struct pt_tpl_dict *>(d);
}

/* Runs body(); any exception becomes on_error, logged with the caller's
 * name.  Logging itself is C and cannot throw. */
template <typename T, typename F>
T guarded(const char *func, T on_error, F body)
{
    try {
        return body();
    } catch (const std::bad_alloc &) {
        pt_log_error("%s: out of memory", func);
    } catch (const std::exception &e) {
        pt_log_error("%s: %s", func, e.what());
    } catch (...) {
        pt_log_error("%s: unknown C++ exception", func);
    }
    return on_error;
}

}  // namespace

extern "C" {

struct pt_tpl_cache *pt_tpl_cache_new(const char *root, const char *fallback)
{
    return guarded(__func__, static_cast<struct pt_tpl_cache *>(NULL),
                   [&]() -> struct pt_tpl_cache * {
        /* With no root at all ctemplate would resolve names against the
         * current directory: refuse rather than guess. */
        const char *main_root = root ? root : fallback;
        if (!main_root)
            return NULL;
        std::unique_ptr<TemplateCache> tc(new TemplateCache());
        if (!tc->SetTemplateRootDirectory(main_root))
            return NULL;
        if (root && fallback && !tc->AddAlternateTemplateRootDirectory(fallback))
            return NULL;
        return reinterpret_cast<struct pt_tpl_cache *>(tc.release());
    });
}

void pt_tpl_cache_free(struct pt_tpl_cache *c)
{
    guarded(__func__, 0, [&]() -> int {
        delete cache_of(c);
        return 0;
    });
}

void pt_tpl_cache_reload(struct pt_tpl_cache *c)
{
    /* ClearCache rather than ReloadAllIfChanged: the latter compares
     * mtimes with a one-second granularity and keeps failed lookups until
     * the file's mtime moves; forgetting everything is exact, and safe
     * here because no Template pointer is ever held outside an expansion
     * (GetTemplate is not used). */
    guarded(__func__, 0, [&]() -> int {
        if (c)
            cache_of(c)->ClearCache();
        return 0;
    });
}

int pt_tpl_cache_has(struct pt_tpl_cache *c, const char *filename)
{
    return guarded(__func__, 0, [&]() -> int {
        if (!c || !filename)
            return 0;
        /* LoadTemplate is true only when the file was found on the search
         * path and parsed (including its AUTOESCAPE pragma) without error. */
        return cache_of(c)->LoadTemplate(filename, ctemplate::DO_NOT_STRIP) ? 1 : 0;
    });
}

struct pt_tpl_dict *pt_tpl_dict_new(const char *name)
{
    return guarded(__func__, static_cast<struct pt_tpl_dict *>(NULL),
                   [&]() -> struct pt_tpl_dict * {
        /* The name is only used in ctemplate's debug dumps. */
        return handle_of(new TemplateDictionary(name ? name : "page"));
    });
}

void pt_tpl_dict_free(struct pt_tpl_dict *d)
{
    guarded(__func__, 0, [&]() -> int {
        delete dict_of(d);
        return 0;
    });
}

int pt_tpl_set(struct pt_tpl_dict *d, const char *name, const char *value, size_t len)
{
    return guarded(__func__, -1, [&]() -> int {
        if (!d || !name || (!value && len))
            return -1;
        /* SetValue copies the bytes into the dictionary's arena. */
        dict_of(d)->SetValue(name, TemplateString(value ? value : "", len));
        return 0;
    });
}

int pt_tpl_set_borrowed(struct pt_tpl_dict *d, const char *name, const char *value, size_t len)
{
    return guarded(__func__, -1, [&]() -> int {
        if (!d || !name || (!value && len))
            return -1;
        /* The caller's bytes outlive the dictionary: no copy. */
        dict_of(d)->SetValueWithoutCopy(name, TemplateString(value ? value : "", len));
        return 0;
    });
}

int pt_tpl_set_int(struct pt_tpl_dict *d, const char *name, long value)
{
    return guarded(__func__, -1, [&]() -> int {
        if (!d || !name)
            return -1;
        dict_of(d)->SetIntValue(name, value);
        return 0;
    });
}

int pt_tpl_set_global(struct pt_tpl_dict *d, const char *name, const char *value)
{
    return guarded(__func__, -1, [&]() -> int {
        if (!d || !name || !value)
            return -1;
        /* Template-global: this page, its sections and its includes only.
         * Never TemplateDictionary::SetGlobalValue, which is process-wide. */
        dict_of(d)->SetTemplateGlobalValue(name, TemplateString(value, strlen(value)));
        return 0;
    });
}

int pt_tpl_show_global_section(struct pt_tpl_dict *d, const char *name)
{
    return guarded(__func__, -1, [&]() -> int {
        if (!d || !name)
            return -1;
        dict_of(d)->ShowTemplateGlobalSection(name);
        return 0;
    });
}

int pt_tpl_show_section(struct pt_tpl_dict *d, const char *name)
{
    return guarded(__func__, -1, [&]() -> int {
        if (!d || !name)
            return -1;
        dict_of(d)->ShowSection(name);
        return 0;
    });
}

struct pt_tpl_dict *pt_tpl_add_section(struct pt_tpl_dict *d, const char *name)
{
    return guarded(__func__, static_cast<struct pt_tpl_dict *>(NULL),
                   [&]() -> struct pt_tpl_dict * {
        if (!d || !name)
            return NULL;
        return handle_of(dict_of(d)->AddSectionDictionary(name));
    });
}

struct pt_tpl_dict *pt_tpl_add_include(struct pt_tpl_dict *d, const char *name,
                                       const char *filename)
{
    return guarded(__func__, static_cast<struct pt_tpl_dict *>(NULL),
                   [&]() -> struct pt_tpl_dict * {
        if (!d || !name || !filename)
            return NULL;
        /* An include dictionary has no parent: it sees only its own values
         * and the page's template-global ones. */
        TemplateDictionary *inc = dict_of(d)->AddIncludeDictionary(name);
        inc->SetFilename(filename);   /* copied into the arena */
        return handle_of(inc);
    });
}

int pt_tpl_expand(struct pt_tpl_cache *c, const char *filename,
                  const struct pt_tpl_dict *d, char **out, size_t *len)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    const char *func = __func__;   /* inside the lambda __func__ is "operator()" */
    return guarded(func, -1, [&]() -> int {
        if (!c || !filename || !d || !out)
            return -1;
        std::string buf;
        buf.reserve(PT_TPL_OUT_RESERVE);
        if (!cache_of(c)->ExpandWithData(filename, ctemplate::DO_NOT_STRIP,
                                         dict_of(d), NULL, &buf)) {
            pt_log_error("%s: %s: template (or an include) missing or broken",
                         func, filename);
            return -1;
        }
        char *p = static_cast<char *>(malloc(buf.size() + 1));
        if (!p) {
            pt_log_error("%s: out of memory", func);
            return -1;
        }
        memcpy(p, buf.data(), buf.size());
        p[buf.size()] = '\0';
        *out = p;
        if (len)
            *len = buf.size();
        return 0;
    });
}

}  /* extern "C" */
