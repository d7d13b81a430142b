{{%AUTOESCAPE context="HTML"}}{{!plain text: values are HTML-escaped, then mail.c decodes the entities (no value can add a line)}}
Hello {{full_name}},

{{inviter}} of {{partner_name}} invites you to create the organisation
"{{org_name}}" on {{brand_name}}, with you as its administrator.

Create it and choose your password with this link (it works once, within
{{expires_days}} days):

{{link}}

If you did not expect this message, you can ignore it: nothing happens
until the link is used.

-- 
{{brand_name}}
