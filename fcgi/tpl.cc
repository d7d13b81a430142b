/*
 * tpl.cc — the C face of ctemplate (see tpl.h).
 *
 * Why a shim: ctemplate is C++, the rest of the portal is C.  Every
 * extern "C" function runs its body inside guarded(), so no exception
 * (std::bad_alloc above all) ever unwinds through C frames; failure comes
 * back as NULL or -1 and is logged here, once.
 *
 * Views are not copied into ctemplate's TemplateDictionary: JsonScope
 * implements its TemplateDictionaryInterface over the handler's Jansson
 * view and reads it in place while the template expands.  Copying was the
 * most expensive part of a page: every TemplateDictionary::SetValue hashes
 * the name and interns it in a process-wide id→name map under a global
 * lock, and a 50-row table makes hundreds of them.
 *
 * Rules kept here so that nobody else has to remember them:
 *   - one TemplateCache per template set, made with `new`; the default
 *     (process-wide) cache is never touched, so a host's overrides cannot
 *     leak into another host's pages;
 *   - nothing process-wide is ever set: no SetGlobalValue; page-wide values
 *     are the globals of one expansion;
 *   - templates are expanded with DO_NOT_STRIP: the output is exactly what
 *     the file says (matters for <pre>, text mails and nginx blocks).
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <jansson.h>

#include <ctemplate/template.h>
#include <ctemplate/template_cache.h>
#include <ctemplate/template_dictionary_interface.h>
#include <ctemplate/template_string.h>

#include "tpl.h"

/* portal.h cannot be included from C++ (struct pt_route has a member
 * named `template`), so the logging functions used here are declared by
 * hand; they are defined in log.c with the same signatures. */
extern "C" void pt_log_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
extern "C" void pt_log_warn(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

namespace {

using ctemplate::TemplateCache;
using ctemplate::TemplateDictionaryInterface;
using ctemplate::TemplateString;

/* A page of the portal is 5–50 KB: start the output there, not at 15 bytes. */
const size_t PT_TPL_OUT_RESERVE = 16384;

/* Deeper than any page needs; a template that follows its view further
 * is a bug, and fails instead of recursing on. */
const int PT_TPL_MAX_DEPTH = 16;

TemplateCache *cache_of(struct pt_tpl_cache *c)
{
    return reinterpret_cast<TemplateCache *>(c);
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

/* Copies the result out of the std::string ctemplate wrote to. */
int copy_out(const char *func, const std::string &buf, char **out, size_t *len)
{
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
}

/* ---- a JSON view as a ctemplate dictionary ------------------------------ */

class JsonScope;

/*
 * What one pt_tpl_expand_view call owns, shared by all its scopes: the
 * includes, the globals' scope, the text of formatted numbers, and the
 * depth failure (the dictionary interface cannot report an error, so it
 * is noted here and turned into -1 after the expansion).
 */
class Expansion {
public:
    Expansion(const struct pt_tpl_include *inc, size_t n_inc)
        : includes(inc), n_includes(n_inc) {}
    Expansion(const Expansion &) = delete;
    Expansion &operator=(const Expansion &) = delete;

    const struct pt_tpl_include *includes;
    size_t n_includes;
    const JsonScope *globals = nullptr;
    bool too_deep = false;

    const struct pt_tpl_include *Include(const TemplateString &name, int nth) const;
    TemplateString Integer(long long v);
    TemplateString Real(double v);

private:
    const char *Keep(const char *s, size_t n);

    /* Formatted numbers must outlive the GetValue that made them: ctemplate
     * holds the TemplateString while it runs the escaping modifiers, and
     * its interface does not say for how long.  So they stay until the
     * expansion ends, in chunks (the first inline: a table of a few hundred
     * numbers needs no allocation at all). */
    static const size_t CHUNK = 4096;
    char first_[CHUNK];
    std::vector<std::unique_ptr<char[]>> more_;
    char *chunk_ = first_;
    size_t used_ = 0;
};

const char *Expansion::Keep(const char *s, size_t n)
{
    if (used_ + n > CHUNK) {
        more_.emplace_back(new char[CHUNK]);
        chunk_ = more_.back().get();
        used_ = 0;
    }
    char *p = chunk_ + used_;
    memcpy(p, s, n);
    used_ += n;
    return p;
}

/* What "%lld" prints, by hand: vsnprintf cost a tenth of the instructions
 * of a page with a 50-row table (150 numbers). */
TemplateString Expansion::Integer(long long v)
{
    char buf[24], *p = buf + sizeof buf;
    /* In unsigned arithmetic, where negating LLONG_MIN is defined. */
    unsigned long long u = v < 0 ? 0ULL - static_cast<unsigned long long>(v)
                                 : static_cast<unsigned long long>(v);

    do {
        *--p = static_cast<char>('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    size_t n = static_cast<size_t>(buf + sizeof buf - p);
    return TemplateString(Keep(p, n), n);
}

/* 15 significant digits: what a double holds exactly, so 0.1 prints as
 * 0.1 and not 0.10000000000000001. */
TemplateString Expansion::Real(double v)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.15g", v);

    if (n < 0 || static_cast<size_t>(n) >= sizeof buf)
        return TemplateString("", 0);    /* cannot happen for %.15g */
    return TemplateString(Keep(buf, static_cast<size_t>(n)), static_cast<size_t>(n));
}

/* The nth (from 0) include named name, or NULL. */
const struct pt_tpl_include *Expansion::Include(const TemplateString &name, int nth) const
{
    for (size_t i = 0; i < n_includes; i++) {
        const char *n = includes[i].name;
        if (strlen(n) == name.size() && memcmp(n, name.data(), name.size()) == 0 &&
            nth-- == 0)
            return &includes[i];
    }
    return nullptr;
}

/*
 * One dictionary of an expansion: the page's view, an include's view, the
 * globals, or what a section of one of those expands with.  Lookups follow
 * TemplateDictionary's: this scope's members, then its parent's and so on
 * up to the root, then the globals.  A section found in an enclosing scope
 * expands with children of that scope (as TemplateDictionary's section
 * dictionaries are children of the dictionary that holds them).
 *
 * Members are an object's, or — for an array element that is not an
 * object — that element alone, named "value".
 */
class JsonScope : public TemplateDictionaryInterface {
public:
    JsonScope(Expansion *x, const JsonScope *parent, bool page, int depth)
        : x_(x), parent_(parent), page_(page), depth_(depth) {}

    void Bind(const json_t *v)
    {
        obj_ = json_is_object(v) ? v : nullptr;
        value_ = obj_ ? nullptr : v;
    }

protected:
    TemplateString GetValue(const TemplateString &name) const override;
    bool IsHiddenSection(const TemplateString &name) const override;
    bool IsUnhiddenSection(const TemplateString &name) const override
    {
        return !IsHiddenSection(name);
    }
    bool IsHiddenTemplate(const TemplateString &name) const override
    {
        /* Only the page (and its sections) has includes: an include's own
         * {{>X}} finds nothing, as with an include dictionary. */
        return !page_ || !x_->Include(name, 0);
    }
    const char *GetIncludeTemplateName(const TemplateString &name, int nth) const override
    {
        const struct pt_tpl_include *inc = page_ ? x_->Include(name, nth) : nullptr;
        return inc ? inc->filename : "";
    }
    Iterator *CreateTemplateIterator(const TemplateString &name) const override;
    Iterator *CreateSectionIterator(const TemplateString &name) const override;
    void DumpToString(std::string *out, int level) const override;

private:
    class Children;
    class Includes;
    enum Kind { NONE, SHOWN, OBJECT, ARRAY };
    struct Found {
        const JsonScope *holder;
        Kind kind;
        const json_t *v;
    };

    const json_t *Member(const char *name, size_t len) const;
    const json_t *ArrayFor(const TemplateString &name, const char *suffix) const;
    bool OwnValue(const TemplateString &name, TemplateString *v) const;
    Kind OwnSection(const TemplateString &name, const json_t **v) const;
    Found Find(const TemplateString &name) const;

    Expansion *x_;
    const JsonScope *parent_;
    bool page_;          /* the page or one of its sections: sees the includes */
    int depth_;
    const json_t *obj_ = nullptr;
    const json_t *value_ = nullptr;
};

/*
 * The scopes a section or an include expands with.  One JsonScope is
 * re-bound for each: ctemplate is done with a child before it asks for the
 * next, so a 50-row table costs one allocation (this iterator), not 50.
 */
class JsonScope::Children : public TemplateDictionaryInterface::Iterator {
public:
    /* n children from holder's member v: v's elements if it is an array,
     * else v itself (an object, or NULL for a scope without members). */
    Children(const JsonScope *holder, const json_t *v, size_t n, int depth)
        : child_(holder->x_, holder, holder->page_, depth), v_(v), n_(n) {}

    bool HasNext() const override { return i_ < n_; }
    const TemplateDictionaryInterface &Next() override
    {
        child_.Bind(json_is_array(v_) ? json_array_get(v_, i_) : v_);
        i_++;
        return child_;
    }

private:
    JsonScope child_;
    const json_t *v_;
    size_t n_, i_ = 0;
};

/* The includes of one name: each expands with its own view, whose only
 * enclosing scope is the globals'. */
class JsonScope::Includes : public TemplateDictionaryInterface::Iterator {
public:
    Includes(Expansion *x, const TemplateString &name)
        : x_(x), name_(name), child_(x, x->globals, false, 0) {}

    bool HasNext() const override { return x_->Include(name_, nth_) != nullptr; }
    const TemplateDictionaryInterface &Next() override
    {
        child_.Bind(x_->Include(name_, nth_++)->view);
        return child_;
    }

private:
    Expansion *x_;
    TemplateString name_;    /* points into the parsed template: stable */
    JsonScope child_;
    int nth_ = 0;
};

const json_t *JsonScope::Member(const char *name, size_t len) const
{
    if (obj_)
        return json_object_getn(obj_, name, len);
    if (value_ && len == 5 && memcmp(name, "value", 5) == 0)
        return value_;
    return nullptr;
}

/* The array member that name ("rows_count") is derived from ("rows"),
 * when name ends with suffix and this scope has such an array. */
const json_t *JsonScope::ArrayFor(const TemplateString &name, const char *suffix) const
{
    size_t n = name.size(), s = strlen(suffix);

    if (n <= s || memcmp(name.data() + n - s, suffix, s) != 0)
        return nullptr;
    const json_t *a = Member(name.data(), n - s);
    return json_is_array(a) ? a : nullptr;
}

bool JsonScope::OwnValue(const TemplateString &name, TemplateString *v) const
{
    const json_t *m = Member(name.data(), name.size());

    if (json_is_string(m))
        *v = TemplateString(json_string_value(m), json_string_length(m));
    else if (json_is_integer(m))
        *v = x_->Integer(static_cast<long long>(json_integer_value(m)));
    else if (json_is_real(m))
        *v = x_->Real(json_real_value(m));
    else if (const json_t *a = ArrayFor(name, "_count"))
        *v = x_->Integer(static_cast<long long>(json_array_size(a)));
    else
        return false;
    return true;
}

TemplateString JsonScope::GetValue(const TemplateString &name) const
{
    TemplateString v("", 0);

    for (const JsonScope *s = this; s; s = s->parent_)
        if (s->OwnValue(name, &v))
            return v;
    /* ctemplate's two built-in values, normally found in its global
     * dictionary, which is not consulted here. */
    if (name.size() == 8 && memcmp(name.data(), "BI_SPACE", 8) == 0)
        return TemplateString(" ", 1);
    if (name.size() == 10 && memcmp(name.data(), "BI_NEWLINE", 10) == 0)
        return TemplateString("\n", 1);
    return v;
}

/* Does this scope itself hold section name?  false, null, strings and
 * numbers do not: the lookup goes on outwards, as for a TemplateDictionary
 * in which nobody showed the section. */
JsonScope::Kind JsonScope::OwnSection(const TemplateString &name, const json_t **v) const
{
    const json_t *m = Member(name.data(), name.size());

    *v = m;
    if (json_is_true(m))
        return SHOWN;
    if (json_is_object(m))
        return OBJECT;
    if (json_is_array(m) && json_array_size(m) > 0)
        return ARRAY;
    const json_t *a = ArrayFor(name, "_empty");
    return a && json_array_size(a) == 0 ? SHOWN : NONE;
}

JsonScope::Found JsonScope::Find(const TemplateString &name) const
{
    const json_t *v = nullptr;

    for (const JsonScope *s = this; s; s = s->parent_) {
        Kind k = s->OwnSection(name, &v);
        if (k != NONE)
            return Found{ s, k, v };
    }
    return Found{ nullptr, NONE, nullptr };
}

bool JsonScope::IsHiddenSection(const TemplateString &name) const
{
    Found f = Find(name);

    if (f.kind == NONE)
        return true;
    /* Checked here, not in CreateSectionIterator, so that a section too
     * deep is never expanded at all. */
    if (f.kind != SHOWN && f.holder->depth_ >= PT_TPL_MAX_DEPTH) {
        if (!x_->too_deep)
            pt_log_warn("%s: template follows its view deeper than %d sections (at %.*s)",
                        __func__, PT_TPL_MAX_DEPTH, static_cast<int>(name.size()),
                        name.data());
        x_->too_deep = true;
        return true;
    }
    return false;
}

TemplateDictionaryInterface::Iterator *
JsonScope::CreateSectionIterator(const TemplateString &name) const
{
    Found f = Find(name);

    switch (f.kind) {
    case ARRAY:
        return new Children(f.holder, f.v, json_array_size(f.v), f.holder->depth_ + 1);
    case OBJECT:
        return new Children(f.holder, f.v, 1, f.holder->depth_ + 1);
    case SHOWN:
        /* true, or an empty array's _empty: shown once with the holder's
         * values, as after TemplateDictionary::ShowSection.  When this
         * scope is the holder, no children: ctemplate then expands with
         * this scope.  When the holder encloses this scope, one child of
         * the holder without members of its own. */
        return new Children(f.holder, nullptr, f.holder == this ? 0 : 1, f.holder->depth_);
    default:
        /* ctemplate asks IsHiddenSection first; not reached. */
        return new Children(this, nullptr, 0, depth_);
    }
}

TemplateDictionaryInterface::Iterator *
JsonScope::CreateTemplateIterator(const TemplateString &name) const
{
    return new Includes(x_, name);
}

void JsonScope::DumpToString(std::string *out, int level) const
{
    const json_t *v = obj_ ? obj_ : value_;
    char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : nullptr;

    out->append(static_cast<size_t>(level), ' ');
    out->append("JSON view scope ");
    out->append(s ? s : "{}");
    out->append("\n");
    free(s);
}

/* ---- the expansion itself -------------------------------------------------- */

bool view_ok(const json_t *v)
{
    return v == nullptr || json_is_object(v);
}

/* The body of pt_tpl_expand_view, inside guarded(). */
int expand_view(const char *func, TemplateCache *cache, const char *filename,
                const json_t *view, const json_t *globals,
                const struct pt_tpl_include *includes, size_t n_includes,
                std::string *buf)
{
    Expansion x(includes, n_includes);
    JsonScope global_scope(&x, nullptr, false, 0);
    JsonScope page(&x, globals ? &global_scope : nullptr, true, 0);

    global_scope.Bind(globals);
    x.globals = globals ? &global_scope : nullptr;
    page.Bind(view);
    buf->reserve(PT_TPL_OUT_RESERVE);
    if (!cache->ExpandWithData(filename, ctemplate::DO_NOT_STRIP, &page, NULL, buf)) {
        pt_log_error("%s: %s: template (or an include) missing or broken", func, filename);
        return -1;
    }
    if (x.too_deep) {
        pt_log_error("%s: %s: view nested deeper than %d sections", func, filename,
                     PT_TPL_MAX_DEPTH);
        return -1;
    }
    return 0;
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

int pt_tpl_expand_view(struct pt_tpl_cache *c, const char *filename, const json_t *view,
                       const json_t *globals, const struct pt_tpl_include *includes,
                       size_t n_includes, char **out, size_t *len)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    const char *func = __func__;   /* inside the lambda __func__ is "operator()" */
    return guarded(func, -1, [&]() -> int {
        if (!c || !filename || !out || !view_ok(view) || !view_ok(globals) ||
            (n_includes && !includes)) {
            pt_log_error("%s: %s: invalid arguments", func, filename ? filename : "(null)");
            return -1;
        }
        for (size_t i = 0; i < n_includes; i++)
            if (!includes[i].name || !includes[i].filename || !view_ok(includes[i].view)) {
                pt_log_error("%s: %s: invalid include %zu", func, filename, i);
                return -1;
            }
        std::string buf;
        if (expand_view(func, cache_of(c), filename, view, globals, includes, n_includes,
                        &buf) != 0)
            return -1;
        return copy_out(func, buf, out, len);
    });
}

}  /* extern "C" */
