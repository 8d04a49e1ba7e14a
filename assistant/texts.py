"""What the serving layer itself says to a customer (the answers come from ``actions``): one place for its wording."""

from __future__ import annotations

BUSY = "抱歉，系统暂时繁忙，刚才这条消息没能处理完。请稍后再发一次；着急的话可以拨打保单上的客服热线。"
EMPTY = "请输入您想咨询的问题，例如“平安的住院陪护在杭州能用吗”或“众安的门诊陪诊怎么申请”。"


def too_long(length: int, limit: int) -> str:
    return (
        f"您的消息有 {length} 个字，超过了 {limit} 字的上限，我没有读取。"
        "请把问题简短地分开发给我，例如“平安的住院陪护在杭州能用吗”。"
    )


# -- the WeChat channel -------------------------------------------------------------------------
WECHAT_WELCOME = (
    "您好，我是健康险服务助手，可以查询保单附带的健康服务：在哪些城市能用、怎么申请、要带什么材料，"
    "也可以帮您提交服务申请。您可以这样问我：\n"
    "1. 平安的住院陪护在杭州能用吗\n2. 众安的门诊陪诊怎么申请\n3. 安盛的住院垫付要准备什么材料"
)
WECHAT_MEDIA = "我暂时只能看懂文字、语音和位置。请直接打字告诉我您的问题，例如“平安的住院陪护在杭州能用吗”。"
WECHAT_VOICE_UNCLEAR = "抱歉，没有听清这段语音。请再说一次，或直接打字告诉我您的问题。"
WECHAT_LOCATION_UNCLEAR = "收到您的位置，但没能读出所在城市。请直接告诉我城市名，例如“杭州”。"
WECHAT_CHOICES = "回复数字即可选择："
