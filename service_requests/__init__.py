"""Service requests: policies, customer binding, eligibility from the manuals' rules, requests and their audit trail.

``service_requests.desk.ServiceDesk`` is the one entry point; the bot's actions, the WeChat
channel and the butlers' console all call it, so the rules live in one place.
"""
