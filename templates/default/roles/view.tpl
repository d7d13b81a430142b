{{%AUTOESCAPE context="HTML"}}{{!
  roles/view.tpl: GET /orgs/{org}/roles/{role}; also a refused
  POST .../delete (has_error, error: why).
  View: org {id, name, kind}, back_url, role {id, name, description,
  system, custom, own, inherited, held_by_you (booleans), owner_name,
  permission_count, user_count, categories [{name, permissions [{key,
  label, consent}]}], can_edit / edit_href, can_duplicate / duplicate_href,
  can_delete / delete_href}.
}}{{>HEAD}}
{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}{{#role}}<div class="d-flex flex-wrap align-items-center gap-2 mb-2">
<h1 class="h3 mb-0 me-auto">{{name}}
{{#system}}<span class="badge text-bg-secondary">System</span>{{/system}}{{#own}}<span class="badge text-bg-success">Custom</span>{{/own}}{{#inherited}}<span class="badge text-bg-info">Inherited</span>{{/inherited}}</h1>
{{#can_edit}}<a class="btn btn-outline-primary" href="{{edit_href}}">Edit</a>
{{/can_edit}}{{#can_duplicate}}<a class="btn btn-outline-primary" href="{{duplicate_href}}">Duplicate</a>
{{/can_duplicate}}{{#can_delete}}<form method="post" action="{{delete_href}}" class="d-inline">
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<button type="submit" class="btn btn-outline-danger">Delete</button>
</form>
{{/can_delete}}</div>
<p class="text-muted">{{description}}</p>
<ul class="list-inline small">
<li class="list-inline-item"><strong id="role-permission-count">{{permission_count}}</strong> permissions</li>
<li class="list-inline-item"><strong id="role-user-count">{{user_count}}</strong> users hold it here</li>
{{#inherited}}<li class="list-inline-item">Defined by {{owner_name}}</li>{{/inherited}}
{{#held_by_you}}<li class="list-inline-item">You hold this role</li>{{/held_by_you}}
</ul>
{{#system}}<p class="small text-muted">System roles cannot be edited or deleted. Duplicate it to start a custom role from its permissions.</p>
{{/system}}{{#categories_empty}}<p class="text-muted">This role has no permissions.</p>
{{/categories_empty}}<div class="row row-cols-1 row-cols-md-2 g-3" id="role-permissions">
{{#categories}}<section class="col" aria-label="{{name}}"><div class="card card-body h-100">
<h2 class="h6">{{name}}</h2>
<ul class="list-unstyled small mb-0">
{{#permissions}}<li data-perm="{{key}}">{{label}} <code class="text-muted">{{key}}</code>{{#consent}} <span class="badge text-bg-light" title="Used on a customer only with its consent">needs consent</span>{{/consent}}</li>
{{/permissions}}</ul>
</div></section>
{{/categories}}</div>
{{/role}}<p class="mt-3"><a href="{{back_url}}">Back to the roles</a></p>
{{>FOOT}}
