{{%AUTOESCAPE context="HTML"}}{{!plain text: values are HTML-escaped, then mail.c decodes the entities (no value can add a line)}}
Hello {{full_name}},

{{inviter_name}} has given you access to {{org_name}} on {{brand_name}}
as {{role_name}}.
{{#set_password}}
Choose your password with this link (it works once, within {{expires_days}} days):

{{link}}

If you did not expect this invitation, you can ignore this message:
nothing happens until the link is used.
{{/set_password}}{{#existing}}
Sign in with your existing password:

{{login_url}}

If you did not expect this, tell your administrator.
{{/existing}}
-- 
{{brand_name}}
