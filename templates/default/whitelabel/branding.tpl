{{%AUTOESCAPE context="HTML"}}{{!
  whitelabel/branding.tpl: GET/POST /orgs/{org}/branding (and the pages of
  enable, disable and template-set that come back with an error).
  View: org {id, name, href, eligible}, ineligible, error / has_error,
  enable {action, base_domain, price, first_charge, month, days, mdays, slug}
  (white label off), active, subscription {started, monthly, first_charge},
  subdomain {hostname}, domains_url, brand_revision {revision}, form {action, portal_name,
  primary_color, accent_color, support_email, support_phone, support_url,
  mail_from_name, mail_reply_to, footer_text, logo_light_current /
  logo_dark_current / favicon_current {url, type, kb}}, preview {css_url,
  portal_name, footer_text, unsaved}, disable {action, credit, month},
  tplset {action, sets [{name, selected}], is_default}.
  The live preview is static/js/whitelabel.js (CSS variables of #wl-preview).
}}{{>HEAD}}
{{#org}}<p class="mb-1"><a href="{{href}}">&larr; {{name}}</a></p>
<h1 class="h3 mb-3">White label &middot; {{name}}</h1>
{{/org}}{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}{{#ineligible}}<div class="alert alert-info" role="status" id="wl-ineligible">White label is available to partner and distributor organisations only.</div>
{{/ineligible}}{{#enable}}<section class="card shadow-sm mb-4" aria-labelledby="enable-title"><div class="card-body">
<h2 id="enable-title" class="h5 card-title">Turn on white label</h2>
<p>Your own portal name, logo, colours and support contacts, on your own address, for your customers and your staff. White label costs {{price}} a month; today you pay <strong id="wl-first-charge">{{first_charge}}</strong> for the rest of {{month}} ({{days}} of its {{mdays}} days).</p>
<form method="post" action="{{action}}" novalidate id="enable-form">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<label for="wl-slug" class="form-label">Your portal's address</label>
<div class="input-group mb-1">
<span class="input-group-text">https://</span>
<input type="text" class="form-control" id="wl-slug" name="slug" value="{{slug}}" required minlength="3" maxlength="40" autocomplete="off" aria-describedby="wl-slug-help">
<span class="input-group-text">.{{base_domain}}</span>
</div>
<p id="wl-slug-help" class="form-text">3 to 40 characters: lower-case letters, digits and hyphens (not first or last). You can add your own domains once white label is on.</p>
<button type="submit" class="btn btn-primary">Turn on white label</button>
</form>
</div></section>
{{/enable}}{{#active}}<section class="card shadow-sm mb-4" aria-labelledby="sub-title"><div class="card-body">
<h2 id="sub-title" class="h5 card-title">White label is on</h2>
<dl class="row mb-0">
{{#subdomain}}<dt class="col-sm-3">Your portal</dt><dd class="col-sm-9"><a id="wl-subdomain" href="https://{{hostname}}/">{{hostname}}</a></dd>
{{/subdomain}}{{#subscription}}<dt class="col-sm-3">Subscription</dt><dd class="col-sm-9" id="wl-subscription">{{monthly}} a month since {{started}} UTC (first month: {{first_charge}})</dd>
{{/subscription}}<dt class="col-sm-3">Domains</dt><dd class="col-sm-9"><a href="{{domains_url}}">Custom domains and their DNS records</a></dd>
</dl>
</div></section>
{{#form}}<form method="post" action="{{action}}" enctype="multipart/form-data" novalidate id="brand-form" class="card card-body shadow-sm mb-4">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<h2 class="h5">Brand{{#brand_revision}} <span class="badge text-bg-light" id="wl-revision">revision {{revision}}</span>{{/brand_revision}}</h2>
<div class="row g-3">
<div class="col-md-6"><label for="wl-portal-name" class="form-label">Portal name</label>
<input type="text" class="form-control" id="wl-portal-name" name="portal_name" value="{{portal_name}}" required maxlength="100"></div>
<div class="col-md-3"><label for="wl-primary" class="form-label">Primary colour</label>
<input type="text" class="form-control font-monospace" id="wl-primary" name="primary_color" value="{{primary_color}}" placeholder="#1f4e79" maxlength="7" aria-describedby="wl-primary-help">
<div id="wl-primary-help" class="form-text">Top bar, buttons and links, as #rrggbb. White text on it needs a contrast of at least 4.5:1. <span id="wl-primary-ratio" aria-live="polite"></span></div></div>
<div class="col-md-3"><label for="wl-accent" class="form-label">Accent colour</label>
<input type="text" class="form-control font-monospace" id="wl-accent" name="accent_color" value="{{accent_color}}" placeholder="#8a4b00" maxlength="7" aria-describedby="wl-accent-help">
<div id="wl-accent-help" class="form-text">Highlights, as #rrggbb; the same contrast rule. <span id="wl-accent-ratio" aria-live="polite"></span></div></div>
<div class="col-md-4"><label for="wl-logo-light" class="form-label">Logo for light backgrounds</label>
<input type="file" class="form-control" id="wl-logo-light" name="logo_light" accept="image/png,image/jpeg,image/svg+xml">
{{#logo_light_current}}<div class="form-text"><img src="{{url}}" alt="Current light logo" height="32" class="me-2 align-middle">{{type}}, {{kb}} KB
<label class="ms-2"><input type="checkbox" class="form-check-input" name="remove_logo_light" value="1"> Remove</label></div>
{{/logo_light_current}}</div>
<div class="col-md-4"><label for="wl-logo-dark" class="form-label">Logo for dark backgrounds</label>
<input type="file" class="form-control" id="wl-logo-dark" name="logo_dark" accept="image/png,image/jpeg,image/svg+xml">
{{#logo_dark_current}}<div class="form-text"><img src="{{url}}" alt="Current dark logo" height="32" class="me-2 align-middle bg-dark">{{type}}, {{kb}} KB
<label class="ms-2"><input type="checkbox" class="form-check-input" name="remove_logo_dark" value="1"> Remove</label></div>
{{/logo_dark_current}}</div>
<div class="col-md-4"><label for="wl-favicon" class="form-label">Favicon</label>
<input type="file" class="form-control" id="wl-favicon" name="favicon" accept="image/png,image/x-icon">
{{#favicon_current}}<div class="form-text"><img src="{{url}}" alt="Current favicon" height="16" class="me-2 align-middle">{{type}}, {{kb}} KB
<label class="ms-2"><input type="checkbox" class="form-check-input" name="remove_favicon" value="1"> Remove</label></div>
{{/favicon_current}}</div>
<p class="col-12 form-text mt-1">Logos: PNG, JPEG or SVG up to 512 KB, at most 4096 pixels a side; the favicon: PNG or ICO up to 128 KB. The type is read from the file itself. An SVG with scripts, event handlers or links to other files is refused.</p>
<div class="col-md-4"><label for="wl-support-email" class="form-label">Support e-mail</label>
<input type="email" class="form-control" id="wl-support-email" name="support_email" value="{{support_email}}" maxlength="254"></div>
<div class="col-md-4"><label for="wl-support-phone" class="form-label">Support phone</label>
<input type="tel" class="form-control" id="wl-support-phone" name="support_phone" value="{{support_phone}}" maxlength="50"></div>
<div class="col-md-4"><label for="wl-support-url" class="form-label">Support website (https)</label>
<input type="url" class="form-control" id="wl-support-url" name="support_url" value="{{support_url}}" maxlength="500" placeholder="https://"></div>
<div class="col-md-6"><label for="wl-mail-from" class="form-label">E-mail sender name</label>
<input type="text" class="form-control" id="wl-mail-from" name="mail_from_name" value="{{mail_from_name}}" maxlength="100"></div>
<div class="col-md-6"><label for="wl-reply-to" class="form-label">E-mail reply-to address</label>
<input type="email" class="form-control" id="wl-reply-to" name="mail_reply_to" value="{{mail_reply_to}}" maxlength="254"></div>
<div class="col-12"><label for="wl-footer" class="form-label">Footer text</label>
<input type="text" class="form-control" id="wl-footer" name="footer_text" value="{{footer_text}}" maxlength="500"></div>
</div>
<div class="d-flex gap-2 mt-3">
<button type="submit" name="action" value="preview" class="btn btn-outline-secondary">Preview</button>
<button type="submit" name="action" value="save" class="btn btn-primary">Save</button>
</div>
</form>
{{/form}}{{#preview}}<link rel="stylesheet" href="{{css_url}}">
<section class="card shadow-sm mb-4 pt-wl-preview" id="wl-preview" aria-labelledby="preview-title">
<div class="card-header"><h2 id="preview-title" class="h6 mb-0">Preview{{#unsaved}} <span class="badge text-bg-warning" id="wl-unsaved">not saved</span>{{/unsaved}}</h2></div>
<nav class="navbar navbar-dark pt-navbar px-3" aria-label="Preview of the top bar"><span class="navbar-brand" id="wl-preview-name">{{portal_name}}</span></nav>
<div class="card-body">
<p>A page of your portal, with <a href="#wl-preview">a link</a> and <strong class="pt-accent">accent text</strong>.</p>
<button type="button" class="btn btn-primary">Primary button</button>
<button type="button" class="btn btn-outline-primary">Secondary button</button>
<p class="small text-muted mt-3 mb-0" id="wl-preview-footer">{{footer_text}}</p>
</div>
</section>
{{/preview}}{{#tplset}}<form method="post" action="{{action}}" class="card card-body shadow-sm mb-4" id="tplset-form">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<h2 class="h5">Template set (operator)</h2>
<label for="wl-tplset" class="form-label">Pages of this brand use</label>
<select class="form-select mb-2" id="wl-tplset" name="template_set">
<option value="default"{{#is_default}} selected{{/is_default}}>The default templates</option>
{{#sets}}<option value="{{name}}"{{#selected}} selected{{/selected}}>templates/hosts/{{name}}</option>
{{/sets}}</select>
<div><button type="submit" class="btn btn-outline-primary">Assign</button></div>
</form>
{{/tplset}}{{#disable}}<form method="post" action="{{action}}" class="card card-body border-danger mb-4" id="disable-form">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<h2 class="h5">Turn off white label</h2>
<p>The subscription ends today and <strong id="wl-credit">{{credit}}</strong> is credited for the rest of {{month}}. Your subdomain and custom domains stop working at once; your brand is kept for when you turn white label on again.</p>
<div class="form-check mb-2"><input class="form-check-input" type="checkbox" id="wl-confirm" name="confirm" value="yes" required>
<label class="form-check-label" for="wl-confirm">I understand that my portal's addresses stop working</label></div>
<div><button type="submit" class="btn btn-outline-danger">Turn off white label</button></div>
</form>
{{/disable}}{{/active}}<script src="/static/js/whitelabel.js" defer></script>
{{>FOOT}}
