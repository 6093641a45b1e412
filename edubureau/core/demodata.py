"""Plausible people for demo data: names, ID numbers, phones and addresses in 闵行 (used by the demo
district and the domain apps' demo modules, so it lives at the bottom layer).

Pure Python with no Django import. Every function takes the caller's random.Random, so one seed
gives the same district every time. The name pools are written for this project (common
characters with rough frequencies), not copied from any list.
"""

from __future__ import annotations

import datetime
import itertools
import random

from edubureau.core.idcodes import id_check_char, make_resident_id


def weighted(spec: str) -> tuple[list[str], list[int]]:
    """'王12 李11 …' (or '310112:5' for digit items) → (items, cumulative weights) for
    Random.choices(cum_weights=...)."""
    items, weights = [], []
    for token in spec.split():
        name = token.split(":")[0] if ":" in token else token.rstrip("0123456789")
        items.append(name)
        weights.append(int(token[len(name) :].lstrip(":") or 1))
    return items, list(itertools.accumulate(weights))


# Surnames weighted roughly by frequency, a little towards the Yangtze delta (沈, 陆, 顾, 钱, 徐).
SURNAMES = weighted(
    "王70 李68 张66 刘50 陈55 杨30 黄25 赵22 吴25 周24 徐24 孙16 马12 朱18 胡14 郭11 何11 林10 "
    "高10 罗9 郑9 梁8 谢8 宋7 唐7 许8 韩6 冯6 邓6 曹7 彭6 曾5 肖6 田5 董5 潘6 袁5 蔡6 蒋7 余5 "
    "于4 杜4 叶6 程5 魏4 苏4 吕4 丁5 任3 卢4 姚5 沈12 钟3 姜4 崔3 谭3 陆10 范4 汪5 廖3 石3 金5 "
    "韦2 贾3 夏4 付3 方4 邹3 熊3 白3 孟3 秦3 邱3 侯2 江3 尹2 薛3 闫2 段2 雷2 龙2 黎2 史3 陶3 "
    "贺2 毛3 郝2 顾8 龚3 邵4 万2 钱6 戴3 严3 莫2 孔2 向2 常2 汤3 康2 易2 乔2 倪3 葛3 "
    "欧阳1 司马1 上官1 诸葛1"
)

# Given-name characters by generation and gender. Children born after 2008 get the newer pools.
_GIVEN = {
    ("young", "男"): "浩 宇 轩 子 梓 博 文 俊 杰 睿 泽 辰 然 晨 逸 阳 宸 铭 昊 天 一 嘉 奕 航 "
    "志 鹏 豪 明 凯 霖 瑞 哲 皓 远 承 宁 锦 煜 烨 翔 恒 泓 佑 安 诚 思 彦 宏 景 钧 乐 朗 言 尧 川 "
    "沐 霆 骁 楷 峻 毅 伦 旭 卓 星 亦 知",
    ("young", "女"): "欣 怡 梓 涵 诗 雨 思 佳 可 一 悦 萱 琪 雅 婷 馨 语 彤 媛 若 茜 晴 嘉 梦 紫 "
    "妍 瑶 琳 心 芷 依 月 蕊 颖 诺 柔 晗 安 宁 乐 昕 玥 歆 沁 伊 希 菲 韵 清 岚 静 书 艺 舒 婉 "
    "晓 蓉 薇 淇 苒 星 言 知",
    ("old", "男"): "伟 强 磊 军 洋 勇 杰 涛 明 超 华 平 刚 斌 峰 辉 健 俊 波 鹏 宇 浩 凯 建 国 "
    "忠 林 东 海 亮 文 红 卫 新 志 晓 永 春 庆 立 荣 德 胜 军 彬 鑫 飞 锋 成 毅",
    ("old", "女"): "敏 静 丽 艳 娟 芳 霞 燕 玲 婷 洁 莉 萍 红 琴 雪 慧 颖 晶 丹 倩 蓉 梅 华 "
    "英 秀 玉 珍 凤 兰 琳 佳 晓 春 璐 瑛 蕾 娜 娅 薇 月 云 青 怡 菁",
}
# dict.fromkeys: drop repeats so a two-character name never doubles a character by accident.
GIVEN = {key: list(dict.fromkeys(chars.split())) for key, chars in _GIVEN.items()}


def person_name(rng: random.Random, gender: str, born_year: int, family: str | None = None) -> str:
    """A plausible name; one-character given names are commoner among the older generation."""
    family = family or surname(rng)
    era = "young" if born_year >= 2005 else "old"
    chars = GIVEN[(era, gender)]
    single = 0.12 if era == "young" else 0.35
    if rng.random() < single:
        return family + rng.choice(chars)
    first, second = rng.sample(chars, 2)
    return family + first + second


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES[0], cum_weights=SURNAMES[1])[0]


# Mobile prefixes of the three carriers (a sample, weighted towards the older, commoner ones).
_MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 173 176 177 180 181 182 183 185 186 187 188 189 191 198 199"
).split()


def mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


# Where 户籍 is registered: mostly 闵行, some other Shanghai districts, and the provinces most
# 随迁子女 in Shanghai come from (安徽, 江苏, 河南, 四川, 江西, 浙江, 湖北, 山东, 湖南, 福建, 重庆).
LOCAL_REGION = "310112"
CITY_REGIONS = ["310104", "310105", "310101", "310115", "310117", "310114", "310107", "310110", "310120"]
OTHER_REGIONS = weighted(
    "340104:6 341202:6 342201:5 340823:3 320106:3 320902:3 321002:2 320581:2 410102:4 411302:4 411502:3 "
    "510104:3 511302:3 360102:3 362202:2 330106:2 330382:2 420106:2 421122:2 370102:2 430102:2 350102:1 "
    "500101:2 130102:1 230102:1"
)


def hukou(rng: random.Random, migrant_share: float) -> tuple[str, str]:
    """(region code, 户籍类型) for a child at school in 闵行."""
    r = rng.random()
    if r < migrant_share:
        return rng.choices(OTHER_REGIONS[0], cum_weights=OTHER_REGIONS[1])[0], "外省市"
    if r < migrant_share + 0.1:
        return rng.choice(CITY_REGIONS), "本市外区"
    return LOCAL_REGION, "本区"


class IdNumbers:
    """Hands out unique 18-character ID numbers (and permit / J numbers) for one district build."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def resident(self, region: str, birth: datetime.date, male: bool) -> str:
        # Two free digits (the sequence number) give 100 numbers per region, birth date and gender.
        for _ in range(200):
            number = make_resident_id(region, birth, self.rng.randrange(100), male)
            if number not in self.used:
                self.used.add(number)
                return number
        raise RuntimeError(f"区划 {region} 出生日期 {birth} 的顺序号已用完")

    def permit(self, prefix: str, birth: datetime.date, male: bool) -> str:
        """港澳台居民居住证: 810000 (香港) / 820000 (澳门) / 830000 (台湾) + birth + seq + check."""
        while True:
            first17 = f"{prefix}{birth:%Y%m%d}{self.rng.randrange(100):02d}{1 if male else 2}"
            number = first17 + id_check_char(first17)
            if number not in self.used:
                self.used.add(number)
                return number

    def passport(self) -> str:
        while True:
            number = self.rng.choice("EGPKM") + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used:
                self.used.add(number)
                return number


def birth_date_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def birth_window(school_year: int, grade: int) -> tuple[datetime.date, datetime.date]:
    """Shanghai's cut-off is 31 August: 一年级 in 2025 were born 2018-09-01 … 2019-08-31.

    The same rule runs down to 托班 (grade -3) and up to 高三 (grade 12).
    """
    year = school_year - 6 - grade
    return datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)


# 闵行's towns and 街道 with some of their roads, and the zone (学区) each gives its name to.
# 航华 is a community inside 七宝镇: its own 学区, but addresses say 七宝镇.
TOWNS = [
    ("莘庄", "莘庄镇", "莘建路 莘松路 沪闵路 莘朱路 都市路 水清路 莘东路 广通路"),
    ("七宝", "七宝镇", "七莘路 漕宝路 新镇路 吴宝路 农南路 沪松公路 富强街 青年路"),
    ("航华", "七宝镇", "航华一路 航华二路 航北路 航东路 新镇路"),
    ("古美", "古美路街道", "古美路 平南路 顾戴路 万源路 古龙路 平吉路 梅陇西路"),
    ("江川", "江川路街道", "江川路 沧源路 华宁路 鹤庆路 东川路 碧江路 兰坪路"),
    ("虹桥", "虹桥镇", "虹梅路 红松路 吴中路 虹井路 虹泉路 龙溪路 虹许路"),
    ("梅陇", "梅陇镇", "莲花南路 春申路 朱梅路 曹建路 梅陇路 行南路"),
    ("吴泾", "吴泾镇", "龙吴路 剑川路 虹梅南路 永德路 通海路 宝秀路"),
    ("马桥", "马桥镇", "银都路 元江路 北松公路 华宁路 同德路 俞塘路"),
    ("浦江", "浦江镇", "浦星公路 三鲁公路 江月路 陈行公路 联航路 召楼路"),
    ("颛桥", "颛桥镇", "颛兴路 光华路 北松公路 都会路 中沟路 颛盛路"),
    ("华漕", "华漕镇", "华翔路 纪王路 北翟路 诸翟路 华江路 金光路"),
    ("新虹", "新虹街道", "申长路 天山西路 申滨路 盈港东路 七莘路"),
    ("浦锦", "浦锦街道", "浦锦路 浦驰路 浦秀路 浦连路 浦申路 浦涛路"),
]
TOWN_ROADS = {short: roads.split() for short, _, roads in TOWNS}
TOWN_NAME = {short: town for short, town, _ in TOWNS}


def home_address(rng: random.Random, town_short: str) -> str:
    """上海市闵行区{镇/街道}{路}{弄}弄{号}号{室}室, the form the masking keeps down to the street."""
    road = rng.choice(TOWN_ROADS[town_short])
    lane = rng.randrange(1, 1500)
    if rng.random() < 0.15:
        # Older houses and shops: a number on the road, no 弄.
        return f"上海市闵行区{TOWN_NAME[town_short]}{road}{lane}号"
    return (
        f"上海市闵行区{TOWN_NAME[town_short]}{road}{lane}弄{rng.randrange(1, 80)}号"
        f"{rng.randrange(1, 19)}{rng.randrange(1, 5):02d}室"
    )


def unit_address(rng: random.Random, town_short: str) -> str:
    return (
        f"上海市闵行区{TOWN_NAME[town_short]}{rng.choice(TOWN_ROADS[town_short])}{rng.randrange(1, 3000)}号"
    )


def office_phone(rng: random.Random) -> str:
    # 闵行 landlines are 021-64xx/54xx/34xx…; eight digits after the area code.
    return f"021-{rng.choice(['64', '54', '34', '24', '33', '52'])}{rng.randrange(10**6):06d}"
