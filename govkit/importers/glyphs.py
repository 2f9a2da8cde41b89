"""CJK radical code points that PDF text layers use for ordinary characters.

Fonts such as Noto CJK draw 工 and the radical ⼯ (U+2F2F) with one glyph; a PDF printer writing the
font's reverse map picks the lowest code point, so text copied from the PDF reads ⼯作, ⼈⺠. Report
text never means the radical itself, so each radical is read as the character the same glyph draws
(table taken from the Noto Serif CJK SC cmap; other Kangxi radicals fall back to their NFKC form).
"""

from __future__ import annotations

import re
import unicodedata

_RADICALS = (
    "⺂⺃⺅⺉⺎⺏⺐⺒⺓⺔⺕⺖⺘⺙⺛⺞⺟⺠⺡⺣⺦⺨⺫⺭⺯⺰⺱⺲⺹⺺⺾⻁⻂⻃⻅⻆⻈⻉⻋⻌⻐⻑⻒⻓⻔⻖⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻮⻯⻰⻱⻲⻳"
    "⼀⼁⼂⼃⼄⼅⼆⼇⼈⼉⼊⼋⼌⼍⼎⼏⼐⼑⼒⼓⼔⼕⼖⼗⼘⼙⼚⼛⼜⼝⼞⼟⼠⼡⼤⼥⼦⼧⼨⼩⼪⼫⼬⼭⼮⼯⼰⼱⼲⼳⼴⼵⼶⼷⼸⼺⼻⼼⼽⼾⼿"
    "⽀⽁⽂⽃⽄⽅⽆⽇⽈⽉⽊⽋⽌⽍⽎⽏⽐⽑⽒⽓⽔⽕⽖⽗⽘⽙⽚⽛⽜⽝⽞⽟⽠⽡⽢⽣⽤⽥⽦⽧⽨⽩⽪⽫⽬⽭⽮⽯⽰⽱⽲⽳⽴⽵⽶⽷⽸⽹⽺⽻⽼⽽⽾⾀⾁⾂⾃"
    "⾄⾅⾆⾇⾈⾉⾊⾋⾌⾍⾎⾏⾐⾑⾒⾔⾕⾖⾗⾘⾙⾚⾛⾜⾝⾞⾟⾠⾡⾢⾣⾤⾥⾦⾧⾨⾩⾪⾫⾬⾭⾮⾯⾰⾱⾲⾳⾴⾵⾶⾷⾸⾹⾺⾼⾽⾾⾿⿀⿁⿂⿃⿄⿅"
    "⿆⿇⿈⿉⿊⿋⿌⿍⿎⿏⿐⿑⿒⿓⿕"
)
_CHARACTERS = (
    "乛乚亻刂兀尣尢巳幺彑彐忄扌攵旡歺母民氵灬丬犭罒礻糹纟罓罒耂肀艹虎衤覀见角讠贝车辶钅長镸长门阝青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐齿竜龙龜亀龟"
    "一丨丶丿乙亅二亠人儿入八冂冖冫几凵刀力勹匕匚匸十卜卩厂厶又口囗土士夂大女子宀寸小尢尸屮山巛工己巾干幺广廴廾弋弓彡彳"
    "心戈户手支攴文斗斤方无日曰月木欠止歹殳毋比毛氏气水火爪父爻爿片牙牛犬玄玉瓜瓦甘生用田疋疒癶白皮皿目矛矢石示禸禾穴立竹米"
    "糸缶网羊羽老而耒聿肉臣自至臼舌舛舟艮色艸虍虫血行衣襾見言谷豆豕豸貝赤走足身車辛辰辵邑酉釆里金長門阜隶隹雨靑非面革韋韭"
    "音頁風飛食首香馬高髟鬥鬯鬲鬼魚鳥鹵鹿麥麻黃黍黑黹黽鼎鼓鼠鼻齊齒龍龠"
)
_TABLE = str.maketrans(dict(zip(_RADICALS, _CHARACTERS, strict=True)))
_ANY_RADICAL = re.compile(r"[\u2e80-\u2fdf]")


def fix_radicals(text: str) -> str:
    """Text with radical code points read as the characters they stand for (digits never change)."""
    if not _ANY_RADICAL.search(text):
        return text
    text = text.translate(_TABLE)
    return _ANY_RADICAL.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
