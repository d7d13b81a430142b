{{%AUTOESCAPE context="HTML"}}{{!
  users/list.tpl: GET /orgs/{org}/users ("Manage Users").
  View: org {id, name, kind}, page_url, q (the search as typed), users [{id,
  full_name, email, role_name, status_label, is_active, is_disabled,
  is_invited, last_login_at, href, is_self}], has_next, next_url, has_first,
  first_url, invite_url; can_invite … can_impersonate (booleans).
}}{{>HEAD}}
<div class="d-flex flex-wrap align-items-center gap-2 mb-2">
{{#org}}<h1 class="h3 mb-0 me-auto">Users of {{name}}</h1>{{/org}}
{{#can_invite}}<a class="btn btn-primary" href="{{invite_url}}" id="invite-link">Invite User</a>{{/can_invite}}
</div>
<p class="text-muted">Everyone who works in this organisation: their role, whether they can sign in, and when they last did. Open a user to edit, disable, reset a password or see their assignments.</p>
<form method="get" action="{{page_url}}" class="row g-2 mb-3" role="search" id="users-search">
<div class="col-md-6"><label for="u-q" class="visually-hidden">Search by name or e-mail</label>
<input type="search" class="form-control" id="u-q" name="q" value="{{q}}" maxlength="200" placeholder="Search by name or e-mail"></div>
<div class="col-auto"><button type="submit" class="btn btn-outline-primary">Search</button></div>
<div class="col-auto"><a class="btn btn-outline-secondary" href="{{page_url}}">Clear</a></div>
</form>
{{#users_empty}}<p class="text-muted" id="users-empty">No users match.</p>
{{/users_empty}}<div class="table-responsive">
<table class="table table-sm align-middle" id="users-table">
<thead><tr><th scope="col">Name</th><th scope="col">E-mail</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Last sign-in</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
{{#users}}<tr id="user-{{id}}">
<td><a href="{{href}}">{{full_name}}</a>{{#is_self}} <span class="badge text-bg-secondary">You</span>{{/is_self}}</td>
<td class="small">{{email}}</td>
<td>{{role_name}}</td>
<td>{{#is_disabled}}<span class="badge text-bg-warning">{{status_label}}</span>{{/is_disabled}}{{#is_invited}}<span class="badge text-bg-info">{{status_label}}</span>{{/is_invited}}{{#is_active}}{{#has_password}}<span class="badge text-bg-success">{{status_label}}</span>{{/has_password}}{{/is_active}}</td>
<td class="small">{{last_login_at}}</td>
<td><a class="btn btn-sm btn-outline-primary" href="{{href}}">Manage<span class="visually-hidden"> {{full_name}}</span></a></td>
</tr>
{{/users}}</tbody>
</table>
</div>
<nav aria-label="User pages" class="d-flex gap-2">
{{#has_first}}<a class="btn btn-sm btn-outline-secondary" href="{{first_url}}">First page</a>{{/has_first}}
{{#has_next}}<a class="btn btn-sm btn-outline-secondary" href="{{next_url}}" rel="next" id="next-page">Next page</a>{{/has_next}}
</nav>
<p class="small text-muted">Times are UTC. "Invited" users have not set their password yet.</p>
{{>FOOT}}
