-- 龙城公积金网上服务厅 数据库结构 (sqlite, read by store.py)
-- Names are the vendor's pinyin abbreviations, each glossed. Months are TEXT 'YYYYMM'; moments TEXT
-- 'YYYY-MM-DD HH:MM:SS' in Beijing time; money TEXT in yuan with two decimals; rates TEXT ('0.10').

CREATE TABLE IF NOT EXISTS xtcs (          -- 系统参数 system values and number counters
  csm TEXT PRIMARY KEY,                    -- 参数名: qcrq 职工清册日期 (last nightly batch), xh_* counters
  csz TEXT NOT NULL                        -- 参数值
);

CREATE TABLE IF NOT EXISTS dw (            -- 单位 unit
  dwzh TEXT PRIMARY KEY,                   -- 单位账号
  dwmc TEXT NOT NULL,                      -- 单位名称
  tyxydm TEXT NOT NULL UNIQUE,             -- 统一社会信用代码
  wtsk INTEGER NOT NULL,                   -- 委托收款 1 是 / 0 否
  ktzt TEXT NOT NULL,                      -- 开通状态 00 10 20 30 40 90 (rules.OPENING)
  cxmm TEXT,                               -- 查询密码 (salted hash)
  scjcny TEXT NOT NULL,                    -- 首次缴存年月
  jbrxm TEXT NOT NULL,                     -- 经办人姓名     } as published by the nightly batch:
  jbrsjhm TEXT NOT NULL,                   -- 经办人手机号码  } what the portal shows (指南三、5)
  jbrsfzh TEXT NOT NULL                    -- 经办人身份证号码 }
);

CREATE TABLE IF NOT EXISTS jbrbg (         -- 经办人变更 operator changes waiting for the nightly batch
  id INTEGER PRIMARY KEY,
  dwzh TEXT NOT NULL REFERENCES dw,
  jbrxm TEXT NOT NULL,
  jbrsjhm TEXT NOT NULL,
  jbrsfzh TEXT NOT NULL,
  sqsj TEXT NOT NULL,                      -- 申请时间
  fbsj TEXT                                -- 发布时间; NULL = not yet published
);

CREATE TABLE IF NOT EXISTS zs (            -- 数字证书 certificate (江苏CA)
  zsxlh TEXT PRIMARY KEY,                  -- 证书序列号
  dwzh TEXT NOT NULL REFERENCES dw,
  kl TEXT NOT NULL,                        -- 口令 (salted hash)
  cwcs INTEGER NOT NULL DEFAULT 0,         -- 连续错误次数
  sdsj TEXT                                -- 锁定时间; NULL = not locked
);

CREATE TABLE IF NOT EXISTS hh (            -- 会话 session
  token TEXT PRIMARY KEY,
  zsxlh TEXT NOT NULL REFERENCES zs,
  dwzh TEXT NOT NULL,
  dlsj TEXT NOT NULL,                      -- 登录时间
  zhsj TEXT NOT NULL                       -- 最后访问时间
);

CREATE TABLE IF NOT EXISTS hj (            -- 汇缴 a unit's remittance of one month (made by the centre)
  dwzh TEXT NOT NULL REFERENCES dw,
  ny TEXT NOT NULL,                        -- 汇缴年月
  hjsj TEXT NOT NULL,                      -- 汇缴时间
  dzsj TEXT,                               -- 到账时间; NULL = not arrived
  PRIMARY KEY (dwzh, ny)
);

CREATE TABLE IF NOT EXISTS zh (            -- 个人账户 account (at its current unit)
  grzh TEXT PRIMARY KEY,                   -- 个人账号
  dwzh TEXT NOT NULL REFERENCES dw,
  xm TEXT NOT NULL,                        -- 姓名
  sfzh TEXT NOT NULL UNIQUE,               -- 身份证号码
  sjhm TEXT,                               -- 手机号码
  zhzt TEXT NOT NULL,                      -- 账户状态 01 正常 / 02 封存
  zhly TEXT NOT NULL,                      -- 账户来源 01 设立 / 02 转入
  rzny TEXT NOT NULL,                      -- 入职（转入）年月 at the current unit
  ckzt TEXT NOT NULL,                      -- 储存卡 0 未申领 / 1 已申领
  khsj TEXT NOT NULL,                      -- 开户时间
  bgbz INTEGER NOT NULL DEFAULT 0          -- 变更标志 1 = changed since the last nightly batch
);

CREATE TABLE IF NOT EXISTS jcd (           -- 缴存段 contribution segment, at one unit
  id INTEGER PRIMARY KEY,
  grzh TEXT NOT NULL REFERENCES zh,
  dwzh TEXT NOT NULL,
  qsny TEXT NOT NULL,                      -- 起始年月
  zzny TEXT,                               -- 终止年月; NULL = open
  jcjs TEXT NOT NULL,                      -- 缴存基数
  dwbl TEXT NOT NULL,                      -- 单位缴存比例
  grbl TEXT NOT NULL                       -- 个人缴存比例
);
CREATE INDEX IF NOT EXISTS jcd_grzh ON jcd (grzh);

CREATE TABLE IF NOT EXISTS bj (            -- 补缴明细 a back-paid month (指南三、4)
  grzh TEXT NOT NULL REFERENCES zh,
  ny TEXT NOT NULL,                        -- 补缴年月
  dwzh TEXT NOT NULL,
  bjyy TEXT NOT NULL,                      -- 补缴原因 01 / 02
  ywlsh TEXT NOT NULL,                     -- 业务流水号
  jcjs TEXT NOT NULL,
  dwje TEXT NOT NULL,                      -- 单位金额
  grje TEXT NOT NULL,                      -- 个人金额
  jsny TEXT NOT NULL,                      -- 结算年月: paid with that month's remittance
  PRIMARY KEY (grzh, ny)
);

CREATE TABLE IF NOT EXISTS yw (            -- 业务 a submitted business and its receipt
  ywlsh TEXT PRIMARY KEY,                  -- 业务流水号
  dwzh TEXT NOT NULL,
  ywlx TEXT NOT NULL,                      -- 业务类型 zhsl zhfc zhqf zyzr grbj jstz jchc
  qqlsh TEXT,                              -- 请求流水号 (the client's, for repeated submissions)
  sqnr TEXT NOT NULL,                      -- 申请内容, normalised (JSON)
  hz TEXT NOT NULL,                        -- 回执 (JSON)
  tjsj TEXT NOT NULL,                      -- 提交时间
  UNIQUE (dwzh, qqlsh)
);

CREATE TABLE IF NOT EXISTS jchc (          -- 单位缴存信息核查, one per unit and 应缴年月
  dwzh TEXT NOT NULL,
  ny TEXT NOT NULL,
  ywlsh TEXT NOT NULL,
  PRIMARY KEY (dwzh, ny)
);

CREATE TABLE IF NOT EXISTS zgqc (          -- 职工清册 the roster as the last nightly batch published it
  grzh TEXT PRIMARY KEY,
  dwzh TEXT NOT NULL,
  xm TEXT NOT NULL,
  sfzh TEXT NOT NULL,
  zhzt TEXT NOT NULL,
  jcjs TEXT,                               -- NULL: transferred in, not yet unsealed here
  dwbl TEXT,
  grbl TEXT
);
CREATE INDEX IF NOT EXISTS zgqc_dwzh ON zgqc (dwzh, grzh);

CREATE TABLE IF NOT EXISTS lsjl (          -- 历史记录 an account's history
  id INTEGER PRIMARY KEY,
  grzh TEXT NOT NULL,
  dwzh TEXT NOT NULL,
  sj TEXT NOT NULL,                        -- 时间
  lx TEXT NOT NULL,                        -- 类型: zz (造数 seeded) or the 业务类型
  ywlsh TEXT,
  nr TEXT NOT NULL                         -- 内容 (JSON)
);

CREATE TABLE IF NOT EXISTS pcjl (          -- 批处理记录 nightly batch runs
  id INTEGER PRIMARY KEY,
  yxsj TEXT NOT NULL,                      -- 运行时间
  fbzh INTEGER NOT NULL,                   -- 发布的账户数
  fbjbr INTEGER NOT NULL                   -- 发布的经办人变更数
);

CREATE TABLE IF NOT EXISTS zssq (          -- 数字证书申请单 paper certificate applications (指南一、1, counter)
  id INTEGER PRIMARY KEY,
  dwmc TEXT NOT NULL,
  tyxydm TEXT NOT NULL,
  sqrq TEXT NOT NULL,                      -- 申请日期
  hfjz TEXT NOT NULL                       -- 回访截止日期
);
