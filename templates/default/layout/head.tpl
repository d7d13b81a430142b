{{%AUTOESCAPE context="HTML"}}{{!
  layout/head.tpl: the top of every page, up to and including <main>.
  Expanded with the page's HEAD include dictionary, which does not see the
  page's values: the core fills it (fcgi/render.c).  It reads:
    title, brand_name, request_id        values
    brand_css {url}                      optional: the brand's stylesheet (colours)
    brand_logo {url}                     optional
    brand_favicon {url}                  optional
    nav [{label, href, active}]          links; active is a boolean
    user {name, email}                   when signed in
    impersonator {name}                  when someone opened this account "as" the user
    mfa_setup {url}                      while the user has no second factor
    flash {level, message}               level: success | info | warning | danger
    csrf_token                           template-global (the sign-out form)
  No inline script or style: the CSP is default-src 'self'.  Without
  JavaScript the navigation is plain links and the account menu a <details>.
}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · {{brand_name}}</title>
<link rel="stylesheet" href="/static/vendor/bootstrap/css/bootstrap.min.css">
<link rel="stylesheet" href="/static/css/portal.css">
{{#brand_css}}<link rel="stylesheet" href="{{url}}">
{{/brand_css}}{{#brand_favicon}}<link rel="icon" href="{{url}}">
{{/brand_favicon}}</head>
<body class="pt-body">
<a class="visually-hidden-focusable pt-skip" href="#main">Skip to content</a>
<header class="pt-header">
<nav class="navbar navbar-expand navbar-dark pt-navbar" aria-label="Main">
<div class="container-fluid flex-wrap gap-2">
<a class="navbar-brand pt-brand" href="/">{{#brand_logo}}<img class="pt-logo" src="{{url}}" alt="">{{/brand_logo}}<span>{{brand_name}}</span></a>
<ul class="navbar-nav flex-wrap me-auto">
{{#nav}}<li class="nav-item"><a class="nav-link{{#active}} active{{/active}}" href="{{href}}"{{#active}} aria-current="page"{{/active}}>{{label}}</a></li>
{{/nav}}</ul>
{{#user}}<details class="pt-account">
<summary class="nav-link">{{name}}</summary>
<div class="pt-account-menu shadow-sm">
<p class="pt-account-email">{{email}}</p>
<a class="dropdown-item" href="/profile">Profile</a>
<a class="dropdown-item" href="/profile/security">Password and two-factor</a>
<a class="dropdown-item" href="/profile/activity">My activity</a>
<form method="post" action="/logout">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<button type="submit" class="dropdown-item">Sign out</button>
</form>
</div>
</details>
{{/user}}</div>
</nav>
</header>
{{#impersonator}}<div class="alert alert-warning pt-banner d-flex flex-wrap align-items-center gap-2" role="status"><span>You are working in this account on behalf of its owner, opened by <strong>{{name}}</strong>. Everything you do is recorded under both names.</span>
<form method="post" action="/impersonation/stop" class="ms-auto"><input type="hidden" name="csrf_token" value="{{csrf_token}}"><button type="submit" class="btn btn-sm btn-dark">Stop impersonating</button></form></div>
{{/impersonator}}{{#mfa_setup}}<div class="alert alert-info pt-banner" role="status">Protect your account: <a href="{{url}}">turn on two-factor authentication</a>.</div>
{{/mfa_setup}}<main id="main" class="container pt-main">
{{#flash}}<div class="alert alert-{{level}}" role="status">{{message}}</div>
{{/flash}}
