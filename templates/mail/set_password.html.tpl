{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Set your password - {{brand_name}}</title>
</head>
<body style="font-family: Arial, Helvetica, sans-serif; color: #1f2933; line-height: 1.5;">
<p>Hello {{full_name}},</p>
<p>An account has been created for you on <strong>{{brand_name}}</strong>.</p>
<p>Choose your password with the button below. The link works once, within {{expires_hours}} hours.</p>
<p><a href="{{link}}" style="display: inline-block; padding: 10px 18px; background: #0d6efd; color: #ffffff; text-decoration: none; border-radius: 4px;">Set your password</a></p>
<p style="font-size: 90%; color: #52606d;">Or copy this address into your browser:<br>{{link}}</p>
<p style="font-size: 90%; color: #52606d;">If you did not expect this message, you can ignore it: nothing happens until the link is used.</p>
<p>{{brand_name}}</p>
</body>
</html>
