{{%AUTOESCAPE context="HTML"}}{{!
  home/index.tpl: the landing page.
  View (all optional): user {name} when signed in; guest (boolean) when not;
  links [{label, href, description}]: the places this visitor may go.
}}{{>HEAD}}
<section class="pt-hero">
<h1 class="h2">Welcome{{#user}}, {{name}}{{/user}}</h1>
<p class="lead">Organisations, users, billing, resources and support, in one place.</p>
{{#user}}<p><a class="btn btn-primary" href="/dashboard">Open the dashboard</a></p>
{{/user}}{{#guest}}<p><a class="btn btn-primary" href="/login">Sign in</a> <a class="btn btn-outline-secondary" href="/apply">Become a partner</a></p>
{{/guest}}</section>
<div class="row row-cols-1 row-cols-md-3 g-3 pt-links">
{{#links}}<div class="col"><a class="card pt-card-link h-100" href="{{href}}"><span class="card-body"><span class="h5 card-title d-block">{{label}}</span><span class="card-text d-block">{{description}}</span></span></a></div>
{{/links}}</div>
{{>FOOT}}
