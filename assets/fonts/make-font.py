#!/usr/bin/env python3
"""Builds the card fonts in this folder from Noto Sans CJK SC (Debian package fonts-noto-cjk).

    pip install fonttools==4.68.0
    python3 assets/fonts/make-font.py

Writes NotoSansSC-Regular-GB2312.otf (every character of GB 2312, ASCII, Latin-1, common
punctuation, the card's own text and some name characters outside GB 2312) and
NotoSansSC-Bold-Card.otf (only the fixed text of the card: titles and labels, ASCII digits and
letters). The renderer subsets again per PDF, so these only bound what a card can show.
"""
import os
import sys
from fontTools.ttLib import TTCollection
from fontTools import subset

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = "/usr/share/fonts/opentype/noto"
SC_FACE = "Noto Sans CJK SC"

# Fixed text the card prints (crates/certdesk-card/src/text.rs); the Bold face holds these only.
CARD_TEXT = (
    "上海市家政上门服务证 家政上门服务证 姓名 性别 男 女 服务类型 证书编号 证号 编码 所在机构 "
    "家政服务机构 有效期至 长期 扫码查验并评价 查验 如何查验 使用微信或手机相机扫描正面二维码 "
    "查看证件是否真实有效 并对服务进行评价 机构电话 平台热线 监督电话 证卡设计版本 卡版本 "
    "第 版 样张 无效 无照片 校准测试页 偏移 缩放 毫米 本证仅限本人使用 遗失请及时联系所在机构挂失 "
    "保洁 育婴 母婴护理 养老护理 烹饪 病患陪护 其他 家务保洁 持证上门 服务亮证 "
    "，。、：；（）·—「」《》"
)
# Name characters that people do carry and GB 2312 lacks (rare-ish but seen on ID cards).
NAME_EXTRAS = "喆堃昇玥珺赟犇淼焱琰旻昱晗瑄璟祎禕彧煜炜钰铖锴镕亓垚昉暐玙珏瑾頔玟珩琮琪琳瑛瑜璇璐曌燚鑫婕婧娴姝妍嫣珊彤昀晟晔烨熠炅焜湉沅汐沣浛洺淏溍漪滢澍"

def gb2312_chars():
    out = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out

def sc_face(path):
    for font in TTCollection(path).fonts:
        if font["name"].getDebugName(1).startswith(SC_FACE) and "Mono" not in font["name"].getDebugName(1):
            return font
    sys.exit(f"{SC_FACE} not found in {path}")

def build(ttc, chars, out_name):
    font = sc_face(os.path.join(SRC, ttc))
    opts = subset.Options()
    opts.layout_features = []          # no shaping in the renderer: cmap + advances only
    opts.name_IDs = ["*"]              # keep copyright, licence and version strings
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    opts.drop_tables += ["VORG", "vhea", "vmtx", "GSUB", "GPOS", "GDEF", "BASE"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(ord(c) for c in chars))
    sub.subset(font)
    path = os.path.join(HERE, out_name)
    font.save(path)
    print(f"{out_name}: {len(font.getGlyphOrder())} glyphs, {os.path.getsize(path)} bytes")

def main():
    ascii_ = {chr(c) for c in range(0x20, 0x7F)}
    latin1 = {chr(c) for c in range(0xA0, 0x100)}
    punct = set("‐‑–—―‘’“”…‧•・·〇、。〈〉《》「」『』【】〔〕〖〗〜～！＂＃＄％＆＇（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝№℃°±×÷")
    regular = gb2312_chars() | ascii_ | latin1 | punct | set(CARD_TEXT) | set(NAME_EXTRAS)
    regular.discard(" ")
    regular.add(" ")
    build("NotoSansCJK-Regular.ttc", regular, "NotoSansSC-Regular-GB2312.otf")
    bold = ascii_ | set(CARD_TEXT) | set("·")
    build("NotoSansCJK-Bold.ttc", bold, "NotoSansSC-Bold-Card.otf")

if __name__ == "__main__":
    main()
