#!/bin/sh
# bench/rows.sh N: a sheet of N work groups (附件4) as Excel saves "CSV UTF-8" (BOM, CRLF),
# headed by field ids so that beian and the ReportLab reference read the same file.
# Deterministic: the same N gives the same bytes. The rows vary the way an office's do:
# majors, class numbers, names of two to eight characters, QR links of WeChat's length, a
# second administrator on every third group, scopes from a line to a paragraph.
n=${1:?usage: bench/rows.sh N}
printf '\357\273\277'
printf 'group_qr,group_number,group_name,scope,admin1_name,admin1_mobile,admin2_name,admin2_mobile,email,member_count,member_types,department,dept_head,dept_head_title,office_phone,mobile\r\n'
awk -v n="$n" 'BEGIN {
  split("计算机应用技术 护理 会计 电子商务 机电一体化技术 学前教育 旅游管理 软件技术 大数据技术 中草药栽培技术", major, " ");
  split("信息工程学院 医学院 财经学院 商贸学院 机电工程学院 教育学院 旅游学院 信息工程学院 信息工程学院 农业学院", dept, " ");
  split("张伟 王芳 李娜 刘洋 陈静 杨堃 马丽 阿依古丽·买买提 周晓明 白雪 海燕 马建国 纳小红 丁一", name, " ");
  split("学生、班主任、辅导员|学生|学生、任课教师|教职工|学生、班主任|学生、家长代表", types, "|");
  chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  seed = 20261124;
  for (i = 1; i <= n; i++) {
    m = (i - 1) % 10 + 1; cls = int((i - 1) / 10) % 9 + 1; year = 2023 + (i % 4);
    link = "";
    for (k = 0; k < 26; k++) { seed = (seed * 1103515245 + 12345) % 2147483648; link = link substr(chars, int(seed / 65536) % 62 + 1, 1) }
    scope = dept[m] year "级" major[m] "专业" cls "班全体学生及班主任、辅导员";
    if (i % 5 == 0) scope = scope "，以及参与" major[m] "专业实习实训的校外指导教师和企业导师，用于发布教学安排、实习通知和安全教育信息";
    a2 = ""; a2m = "";
    if (i % 3 == 0) { a2 = name[(i + 5) % 14 + 1]; a2m = sprintf("151095%05d", i % 100000) }
    printf "https://weixin.qq.com/g/%s,%d,%d级%s%d班,\"%s\",%s,138950%05d,%s,%s,class%d@nxtc.edu.cn,%d,%s,%s,%s,党总支书记,0951-60%05d,13909%06d\r\n",
      link, 500000000 + i * 7919, year, major[m], cls, scope, name[i % 14 + 1], i % 100000, a2, a2m, i, 30 + i % 40,
      types[i % 6 + 1], dept[m], name[(i + 3) % 14 + 1], (i * 37) % 100000, i % 1000000;
  }
}'
