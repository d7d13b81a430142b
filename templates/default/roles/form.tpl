{{%AUTOESCAPE context="HTML"}}{{!
  roles/form.tpl: GET/POST /orgs/{org}/roles/new (creating) and
  /orgs/{org}/roles/{role}/edit (editing).
  View: org {id, name, kind}, creating / editing (booleans), role {id, name}
  (editing), form {name, description}, action, back_url, has_error, error,
  categories [{name, slug, field, selectable, permissions [{key, label,
  field, checked, disabled, consent}]}].
  Each permission is a checkbox perm_<key>; a category's "Select all" box
  all_<slug> adds every permission of it the actor may give (the server
  honours it, so no JavaScript is needed); /static/js/roles.js ticks the
  boxes as it is clicked.  Permissions the actor does not hold here are
  shown disabled: a role never carries more than its maker holds.
}}{{>HEAD}}
{{#creating}}{{#org}}<h1 class="h3 mb-2">Create a role in {{name}}</h1>{{/org}}
{{/creating}}{{#editing}}{{#role}}<h1 class="h3 mb-2">Edit role {{name}}</h1>{{/role}}
{{/editing}}<p class="text-muted">Give the role a descriptive name, then choose its permissions by category. You can assign users to it from the Users page.</p>
{{#has_error}}<div class="alert alert-danger" role="alert" id="form-error">{{error}}</div>
{{/has_error}}<form method="post" action="{{action}}" id="role-form" novalidate>
<input type="hidden" name="csrf_token" value="{{csrf_token}}">
<div class="row g-4">
<div class="col-lg-4">
{{#form}}<div class="mb-3">
<label for="role-name" class="form-label">Name</label>
<input type="text" class="form-control" id="role-name" name="name" value="{{name}}" required maxlength="100">
</div>
<div class="mb-3">
<label for="role-description" class="form-label">Description <span class="text-muted small">(optional)</span></label>
<textarea class="form-control" id="role-description" name="description" rows="3" maxlength="500">{{description}}</textarea>
</div>
{{/form}}<button type="submit" class="btn btn-primary">{{#creating}}Create role{{/creating}}{{#editing}}Save changes{{/editing}}</button>
<a class="btn btn-link" href="{{back_url}}">Cancel</a>
</div>
<div class="col-lg-8">
<h2 class="h5">Permissions</h2>
{{#categories}}<fieldset class="card card-body mb-3 pt-role-category" data-category="{{slug}}">
<legend class="h6 mb-2">{{name}}</legend>
{{#selectable}}<div class="form-check mb-2">
<input class="form-check-input pt-role-all" type="checkbox" id="{{field}}" name="{{field}}" value="1" data-category="{{slug}}">
<label class="form-check-label fw-semibold" for="{{field}}">Select all in {{name}}</label>
</div>
{{/selectable}}<div class="row row-cols-1 row-cols-md-2 g-1">
{{#permissions}}<div class="col"><div class="form-check">
<input class="form-check-input pt-role-perm" type="checkbox" id="{{field}}" name="{{field}}" value="1" data-category="{{slug}}"{{#checked}} checked{{/checked}}{{#disabled}} disabled{{/disabled}}>
<label class="form-check-label" for="{{field}}">{{label}} <code class="small text-muted">{{key}}</code>{{#consent}} <span class="badge text-bg-light">needs consent</span>{{/consent}}{{#disabled}} <span class="small text-muted">(you do not hold it here)</span>{{/disabled}}</label>
</div></div>
{{/permissions}}</div>
</fieldset>
{{/categories}}</div>
</div>
</form>
<script src="/static/js/roles.js" defer></script>
{{>FOOT}}
