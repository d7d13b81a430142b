{{%AUTOESCAPE context="HTML"}}{{!
  orgs/show.tpl: GET /orgs/{org}: an organisation, the way back up the tree
  (only as far as the actor's own tree reaches) and its children.
  View: org {id, name, kind_label, status, slug, created, parent_name,
  suspended}, breadcrumbs [{id, name, href, current, link}], children [{id,
  name, kind_label, status, suspended, users, customers, created, href}],
  children_total, filter {q, limit, sort_name, sort_created, dir_asc,
  dir_desc}, page_url, next_url / has_next, first_url / has_first;
  can_create/new_url, can_edit/edit_url, can_suspend/suspend_url,
  can_resume/resume_url, can_move/move_url, can_invite/invitations_url,
  can_users/users_url, can_activity/activity_url (booleans and links);
  consent {parent_name, allowed, refused, can_change, url};
  error, has_error (a refused filter value).
}}{{>HEAD}}
<nav aria-label="Organisation tree" id="breadcrumbs"><ol class="breadcrumb">
{{#breadcrumbs}}<li class="breadcrumb-item{{#current}} active{{/current}}"{{#current}} aria-current="page"{{/current}}>{{#link}}<a href="{{href}}">{{name}}</a>{{/link}}{{#current}}{{name}}{{/current}}</li>
{{/breadcrumbs}}</ol></nav>
<div class="d-flex flex-wrap align-items-start gap-2 mb-3">
<div class="me-auto">{{#org}}
<h1 class="h3 mb-1" id="org-name">{{name}}</h1>
<p class="text-muted mb-0"><span id="org-kind">{{kind_label}}</span> · <span id="org-status">{{status}}</span> · created {{created}}</p>
{{/org}}</div>
<div class="d-flex flex-wrap gap-2" id="org-actions">
{{#can_create}}<a class="btn btn-primary" href="{{new_url}}" id="add-child">Add partner / customer</a>{{/can_create}}
{{#can_invite}}<a class="btn btn-outline-primary" href="{{invitations_url}}" id="invite-customer">Invite a customer</a>{{/can_invite}}
{{#can_users}}<a class="btn btn-outline-secondary" href="{{users_url}}">Users</a>{{/can_users}}
{{#can_activity}}<a class="btn btn-outline-secondary" href="{{activity_url}}">Activity log</a>{{/can_activity}}
{{#can_edit}}<a class="btn btn-outline-secondary" href="{{edit_url}}" id="rename-org">Rename</a>{{/can_edit}}
{{#can_move}}<a class="btn btn-outline-secondary" href="{{move_url}}" id="move-org">Move</a>{{/can_move}}
{{#can_suspend}}<form method="post" action="{{suspend_url}}"><input type="hidden" name="csrf_token" value="{{csrf_token}}"><button type="submit" class="btn btn-outline-danger" id="suspend-org">Suspend</button></form>{{/can_suspend}}
{{#can_resume}}<form method="post" action="{{resume_url}}"><input type="hidden" name="csrf_token" value="{{csrf_token}}"><button type="submit" class="btn btn-outline-success" id="resume-org">Resume</button></form>{{/can_resume}}
</div>
</div>
{{#org}}{{#suspended}}<div class="alert alert-warning" role="status" id="org-suspended">This organisation is suspended: nobody in it, or in any organisation below it, can sign in.</div>
{{/suspended}}{{/org}}{{#consent}}<section class="card card-body shadow-sm mb-3" aria-labelledby="consent-title" id="consent">
<h2 class="h6 card-title" id="consent-title">Allow {{parent_name}} to access this organisation</h2>
{{#allowed}}<p class="mb-2" id="consent-state">Allowed: {{parent_name}} may open this organisation's users and resources on its behalf.</p>{{/allowed}}
{{#refused}}<p class="mb-2" id="consent-state">Not allowed: {{parent_name}} cannot open this organisation's users or resources on its behalf.</p>{{/refused}}
{{#can_change}}<form method="post" action="{{url}}">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
{{#allowed}}<input type="hidden" name="allow" value="0"><button type="submit" class="btn btn-sm btn-outline-danger" id="consent-toggle">Stop allowing access</button>{{/allowed}}
{{#refused}}<input type="hidden" name="allow" value="1"><button type="submit" class="btn btn-sm btn-outline-primary" id="consent-toggle">Allow access</button>{{/refused}}
</form>{{/can_change}}
</section>
{{/consent}}<section aria-labelledby="children-title">
<h2 class="h5" id="children-title">Organisations in {{#org}}{{name}}{{/org}} <span class="badge text-bg-secondary" id="children-total">{{children_total}}</span></h2>
{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}{{#filter}}<form method="get" action="{{page_url}}" class="row g-2 align-items-end mb-3" id="children-filter">
<div class="col-md-5"><label for="f-q" class="form-label">Search by name</label>
<input type="search" class="form-control" id="f-q" name="q" value="{{q}}" maxlength="200"></div>
<div class="col-md-3"><label for="f-sort" class="form-label">Sort by</label>
<select class="form-select" id="f-sort" name="sort"><option value="name"{{#sort_name}} selected{{/sort_name}}>Name</option><option value="created"{{#sort_created}} selected{{/sort_created}}>Created</option></select></div>
<div class="col-md-2"><label for="f-dir" class="form-label">Order</label>
<select class="form-select" id="f-dir" name="dir"><option value="asc"{{#dir_asc}} selected{{/dir_asc}}>Ascending</option><option value="desc"{{#dir_desc}} selected{{/dir_desc}}>Descending</option></select></div>
<div class="col-md-2"><button type="submit" class="btn btn-primary w-100">Apply</button></div>
</form>
{{/filter}}{{#children_empty}}<p class="text-muted" id="no-children">No organisations to show.</p>
{{/children_empty}}<div class="table-responsive">
<table class="table table-sm align-middle" id="children-table">
<thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col" class="text-end">Users</th><th scope="col" class="text-end">Customers</th><th scope="col">Created</th></tr></thead>
<tbody>
{{#children}}<tr>
<td><a href="{{href}}">{{name}}</a></td>
<td>{{kind_label}}</td>
<td>{{#suspended}}<span class="badge text-bg-warning">{{status}}</span>{{/suspended}}{{#active}}{{status}}{{/active}}</td>
<td class="text-end">{{users}}</td>
<td class="text-end">{{customers}}</td>
<td class="small">{{created}}</td>
</tr>
{{/children}}</tbody>
</table>
</div>
<nav aria-label="Pages of organisations" class="d-flex gap-2">
{{#has_first}}<a class="btn btn-sm btn-outline-secondary" href="{{first_url}}">First page</a>{{/has_first}}
{{#has_next}}<a class="btn btn-sm btn-outline-secondary" href="{{next_url}}" rel="next" id="next-page">Next page</a>{{/has_next}}
</nav>
<p class="small text-muted">Users and customers count everyone in each organisation and below it. Times are UTC.</p>
</section>
{{>FOOT}}
