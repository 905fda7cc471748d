// The proof verifier's named checks in Chinese, by check id; in English the console shows the verifier's own titles
// (src/verify/draw-proof.ts). test/console/check-titles.test.ts holds this table to the checks the verifier runs.

const part = (name: string): Record<string, string> => ({
  [`${name}.entry`]: `${name} 条目是规范 JSON（RFC 8785），且是格式正确的该类条目`,
  [`${name}.leaf-hash`]: `${name} 证明中的叶哈希等于 SHA-256(0x00 ‖ 条目)（RFC 9162 §2.1.1）`,
  [`${name}.checkpoint`]: `${name} 证明的检查点由日志密钥签名，来源（origin）一致`,
  [`${name}.inclusion`]: `${name} 条目在其检查点的树中（RFC 9162 §2.1.3.2）`,
});

export const CHECK_TITLES_ZH: Readonly<Record<string, string>> = {
  bundle: '文件是抽取证明包',
  ...part('commit'),
  ...part('result'),
  ...part('reveal'),
  'checkpoint.same': '三个条目针对同一个检查点（同一棵树）证明',
  links: '承诺、结果和公开条目属于同一次抽取，且按日志顺序排列',
  times: '各条目的时间与日志顺序一致；承诺早于开标时间，公开不早于开标时间',
  chain: '紧随其后的条目以前一条目的叶哈希为 prev（哈希链）',
  abandoned: '本次承诺所列（follows）的此前每次抽取都在证明包中，且确如其条目所记（失败经重算属实；中止无法离线证明）',
  groups: '每个列表都与承诺中的专业组一一对应，顺序一致',
  'reveal.nonce': '公开的服务随机数的 SHA-256 等于承诺中的 nonceHash',
  'reveal.members': '公开的成员行按组哈希后等于承诺中的 membersDigest（§4）',
  'reveal.exclusions': '公开的排除行按组哈希后等于承诺中的 exclusionDigest（§4）',
  plan: '承诺遵循其计划：所指的 draw.planned 条目在树中，抽取、项目和 nonceHash 相同，且记录在承诺之前（§6.2）',
  deposits: '承诺中的 witnessCommitments 就是该计划的见证秘密存入，按日志顺序，每次都记录在计划之后、截止之前（§6.2）',
  'reveal.witnesses': '公开的见证人秘密按顺序哈希后等于承诺中的 witnessCommitments（§6）',
  beacon: '计划指定的 drand 轮次在承诺之后发布，其签名可由固定的链公钥验证',
  seed: '种子由承诺的熵方案、承诺条目的叶哈希和服务随机数推出（§6）',
  'reveal.request': '公开的项目和抽取请求哈希后等于承诺中的 requestHash',
  policy: '公开的政策哈希后等于承诺中的 policyHash',
  eligible: '每组的候选名单 = 地区范围内的成员行减去排除行，人数与承诺一致',
  region: '每条排除行都指向该组地区范围内的成员（§3 第 2 步）',
  'members.consistent': '在多个组中的专家，其成员行在各组相同，亲属关系互相对应（§2）',
  facts: '公开的事实格式正确、顺序正确，只涉及地区范围内的成员（§10.2）',
  'recusal.parties': '规则 1：恰好排除受雇于招标人、代理机构、投标人或须回避单位的成员',
  'recusal.positions': '规则 2–3：恰好排除本人或亲属在期限内于相关单位任职的成员',
  'recusal.prepared': '规则 4：恰好排除参与编制本项目的成员',
  'recusal.status': '规则 5：恰好排除暂停、列入黑名单、退休和不可用的成员',
  'recusal.frequency': '规则 6：恰好排除达到抽取频次上限的成员',
  ranking: '由种子和成员行重新计算的排名与公开结果一致（§8）',
  extension: '公开的补充名单延续同样的随机流（§9，补充 max(3, 人数)）',
  'result.commitment': 'SHA-256(盐 ‖ JCS(结果)) 等于结果条目中的 resultHash',
  'result.counts': '结果条目中各组人数与公开结果一致',
  'checkpoint.kept': '证明包的检查点与您保存的检查点属于同一历史（RFC 9162 §2.1.4）',
  'beacon.kept': '您保存的检查点中已含承诺：承诺时间不晚于您取得该检查点的时间，并说明所用轮次是否在该时间之后发布（§6.1）',
  // Across the bundles of one run (src/verify/run-checks.ts).
  'checkpoints.agree': '本次核验的其他证明包中，没有同一树大小而根哈希不同的检查点（分叉）',
  'draws.agree': '本次核验的其他证明包中，同一抽取（或所附的此前抽取）没有不同的承诺或结果条目',
  'nonces.unique': '本证明包公开的服务随机数，没有在本次核验的其他证明包中用于另一次抽取',
};

/** The assurance levels (docs/draw-proof.md §11) in Chinese, as the console names them (console/src/texts.ts `assurance.*`). */
export const ASSURANCE_ZH: Readonly<Record<'operator' | 'witnessed' | 'beacon', string>> = { operator: '服务随机数', witnessed: '见证', beacon: '信标' };

/**
 * What no offline check of a bundle covers (the verifier's `notChecked`, src/verify/draw-proof.ts), in Chinese by id:
 * what is taken on trust, and why. test/console/check-titles.test.ts holds this table to the verifier's list.
 */
export const TRUST_ZH: Readonly<Record<string, { readonly what: string; readonly why: string }>> = {
  'result.sealed-hash': { what: '结果条目中的 sealedHash', why: '密封的结果包从不公开' },
  'pool.members': {
    what: '成员行就是承诺所记专家库版本中各专业的全部成员，无遗漏、无增添',
    why: '专家库记录在日志的专家库条目中，不在证明包里；同一专家库版本下的各次抽取，同一专业的 membersDigest 必须相同',
  },
  'pool.facts': {
    what: '公开的事实（状态、不可用日期、在相关单位的任职）就是该版本专家库中的事实，且完整',
    why: '此处只与排除行相互核对；与专家库的核对只能在日志的专家库条目中进行',
  },
  'history.selections': {
    what: '抽中记录行就是频次窗口内每一次已公开抽取的全部抽中记录',
    why: '每行注明其所属抽取，该抽取自己的公开可查证抽中了谁；尚未公开的抽取的抽中记录从不公布（名单保密），因此由其导致的频次上限在此无法核验',
  },
  'log.chain': { what: '三个条目之间其他日志条目的哈希链（prev）', why: '证明包只含本次抽取自己的条目；日志中相邻的两个条目会被检查（chain）' },
  'project.abandoned': {
    what: '未列 follows 的承诺确是本项目第一次达到承诺的抽取',
    why: '重新抽取的承诺列出其接续的此前抽取，证明包必须逐一附上（abandoned）；漏列的承诺（或在承诺开始列出之前写下的承诺）会出现在日志中有关该项目的条目里（GET /v1/log/projects/{id}/entries），其中列出每一次承诺',
  },
  roster: { what: '席位严格按公开的排名依次递补（通知、递补、签到）', why: '名册条目不在证明包中；它们只记录组、席位和名次' },
  'witness.deposits': {
    what: '证明包列出了计划截止前日志中记录的每一次见证秘密存入',
    why: '日志中有关该项目的条目（GET /v1/log/projects/{id}/entries）列出每一条 witness.deposited；每位见证人都持有自己的存入凭证（日志序号和承诺值）',
  },
  'pool.changes': {
    what: '能读取存入秘密的人没有在存入与承诺之间修改专家库以操纵排名',
    why: '抽取前服务以密封方式保存这些秘密；每次专家库变更都是记录了操作人的日志条目（pool.*），其时间可与计划截止时间对照',
  },
  'witness.unplanned': {
    what: '见证人在承诺记入日志之后才公开其秘密',
    why: '此次抽取没有计划（§6.2）：种子绑定承诺条目的叶哈希，承诺之前持有这些秘密者（持有存入秘密的服务）可以反复尝试承诺的时间或日志位置，直到排名合意；本服务只通过计划进行见证抽取',
  },
  'log.consistency': {
    what: '证明包的检查点与您已保存的检查点属于同一历史：仅凭日志密钥核验时，持有日志密钥者在自建的树上重新签名的证明包同样能通过',
    why: '请用 expert-draw log watch --keep DIR 保存检查点，并提供给 proof verify --kept DIR',
  },
  'log.times': {
    what: '各条目的时间：每个条目的时间戳是日志自己的说法',
    why: 'times 检查它们与日志顺序和开标时间一致，但持有日志密钥者若一致地改写各条目的时间，则无法发现',
  },
};
