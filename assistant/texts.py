"""What the serving layer itself says to a customer (the answers come from ``actions``): one place for its wording."""
from __future__ import annotations

BUSY = ("抱歉，系统暂时繁忙，刚才这条消息没能处理完。请稍后再发一次；"
        "着急的话可以拨打保单上的客服热线。")
EMPTY = "请输入您想咨询的问题，例如“平安的住院陪护在杭州能用吗”或“众安的门诊陪诊怎么申请”。"


def too_long(length: int, limit: int) -> str:
    return (f"您的消息有 {length} 个字，超过了 {limit} 字的上限，我没有读取。"
            "请把问题简短地分开发给我，例如“平安的住院陪护在杭州能用吗”。")
