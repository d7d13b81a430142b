{{%AUTOESCAPE context="HTML"}}{{!
  roles/duplicate.tpl: GET/POST /orgs/{org}/roles/{role}/duplicate.
  View: org {id, name, kind}, source {id, name, description, system,
  permission_count, categories [{name, permissions [{key, label}]}]},
  form {name, description}, action, back_url, has_error, error.
  The copy is a custom role of the organisation with the source's
  permissions; edit it afterwards to fine-tune them.
}}{{>HEAD}}
{{#source}}<h1 class="h3 mb-2">Duplicate role {{name}}</h1>
<p class="text-muted">The new role gets the {{permission_count}} permissions of {{name}}{{#system}} (a system role){{/system}}. Give it a new name; you can fine-tune its permissions afterwards with Edit.</p>
{{/source}}{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}<form method="post" action="{{action}}" id="duplicate-form" class="mb-4" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
{{#form}}<div class="mb-3">
<label for="role-name" class="form-label">New role name</label>
<input type="text" class="form-control" id="role-name" name="name" value="{{name}}" required maxlength="100">
</div>
<div class="mb-3">
<label for="role-description" class="form-label">Description <span class="text-muted small">(optional)</span></label>
<textarea class="form-control" id="role-description" name="description" rows="2" maxlength="500">{{description}}</textarea>
</div>
{{/form}}<button type="submit" class="btn btn-primary">Duplicate</button>
<a class="btn btn-link" href="{{back_url}}">Cancel</a>
</form>
{{#source}}<h2 class="h5">Permissions copied</h2>
<div class="row row-cols-1 row-cols-md-2 g-3">
{{#categories}}<section class="col" aria-label="{{name}}"><div class="card card-body h-100">
<h3 class="h6">{{name}}</h3>
<ul class="list-unstyled small mb-0">
{{#permissions}}<li>{{label}} <code class="text-muted">{{key}}</code></li>
{{/permissions}}</ul>
</div></section>
{{/categories}}</div>
{{/source}}{{>FOOT}}
