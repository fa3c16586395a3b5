# language: zh-CN
@guide-3.3 @guide-9.9
功能: 引用了不存在的条款

  @id-UNKNOWN-01 @guide-4.5 @guide-4.1–4.4
  场景: 条款目录中没有的编号
    当 经办人提交单位缴存信息核查
    那么 业务受理
